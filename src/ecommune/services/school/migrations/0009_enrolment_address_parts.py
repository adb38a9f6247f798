"""The enrolment keeps the address as the wizard asks it (number, street, postal code, city),
so the engine saves it from the step; earlier rows keep their whole address as the street."""

from django.db import migrations, models
from django.db.models.functions import Left


def split_addresses(apps, schema_editor):
    SchoolEnrolment = apps.get_model("ecommune_school", "SchoolEnrolment")
    SchoolEnrolment._base_manager.update(street_name=Left("address", 200))


def join_addresses(apps, schema_editor):
    SchoolEnrolment = apps.get_model("ecommune_school", "SchoolEnrolment")
    for enrolment in SchoolEnrolment._base_manager.all():
        parts = (
            enrolment.street_number,
            enrolment.street_name,
            enrolment.postal_code,
            enrolment.city,
        )
        SchoolEnrolment._base_manager.filter(pk=enrolment.pk).update(
            address=" ".join(part for part in parts if part)
        )


class Migration(migrations.Migration):
    dependencies = [("ecommune_school", "0008_enrolment_billed_from")]

    operations = [
        migrations.AddField(
            model_name="schoolenrolment",
            name="street_number",
            field=models.CharField(blank=True, max_length=10, verbose_name="Number"),
        ),
        migrations.AddField(
            model_name="schoolenrolment",
            name="street_name",
            field=models.CharField(default="", max_length=200, verbose_name="Street"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="schoolenrolment",
            name="postal_code",
            field=models.CharField(default="", max_length=5, verbose_name="Postal code"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="schoolenrolment",
            name="city",
            field=models.CharField(default="", max_length=120, verbose_name="City"),
            preserve_default=False,
        ),
        migrations.RunPython(split_addresses, join_addresses),
        migrations.RemoveField(model_name="schoolenrolment", name="address"),
    ]
