"""Opening periods recorded with a WEEKLY rule opened only on the weekday they were set up
(django-scheduler cuts a WEEKLY rule's ``byweekday`` down to the first event's weekday):
they move to the DAILY rule of the same weekdays, which opens on every one of them."""

from django.db import migrations


def every_listed_weekday(apps, schema_editor):
    CounterOpening = apps.get_model("ecommune_appointments", "CounterOpening")
    Rule = apps.get_model("schedule", "Rule")
    for opening in CounterOpening.objects.select_related("event__rule"):
        rule = opening.event.rule
        if rule is None or rule.frequency != "WEEKLY" or not rule.params.startswith("byweekday:"):
            continue
        days = rule.params.removeprefix("byweekday:")
        daily, _created = Rule.objects.get_or_create(
            frequency="DAILY",
            params=rule.params,
            defaults={"name": f"weekdays {days}", "description": "Weekly opening"},
        )
        opening.event.rule = daily
        opening.event.save(update_fields=["rule"])


class Migration(migrations.Migration):
    dependencies = [
        ("ecommune_appointments", "0006_ants_declarations"),
        ("schedule", "0015_rename_indexes"),
    ]

    operations = [migrations.RunPython(every_listed_weekday, migrations.RunPython.noop)]
