"""The household's address moves to its guardians' accounts, where every form asking an
address reads it: an account that had none takes the household's, then the household's
columns go (the address is kept once)."""

from django.db import migrations


def into_the_accounts(apps, schema_editor):
    Household = apps.get_model("ecommune_families", "Household")
    Guardian = apps.get_model("ecommune_families", "Guardian")
    User = apps.get_model("ecommune_accounts", "User")
    for household in Household._base_manager.exclude(street_name=""):
        street = f"{household.street_number} {household.street_name}".strip()
        users = Guardian._base_manager.filter(household=household).values("user")
        User._base_manager.filter(pk__in=users, street_address="").update(
            street_address=street[:255],
            postal_code=household.postal_code,
            city=household.city[:120],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ecommune_families", "0001_initial"),
        ("ecommune_accounts", "0007_agenda_reminders_by_sms"),
    ]

    operations = [
        migrations.RunPython(into_the_accounts, migrations.RunPython.noop),
        migrations.RemoveField(model_name="household", name="street_number"),
        migrations.RemoveField(model_name="household", name="street_name"),
        migrations.RemoveField(model_name="household", name="postal_code"),
        migrations.RemoveField(model_name="household", name="city"),
    ]
