"""Households, guardians, invitations and children now belong to ecommune.families
(``ecommune_families.0001_initial``): school's enrolments point at its children, and the
four models leave school's state. Their tables stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ecommune_families", "0001_initial"),
        # Invoices and payments point at the families' household before school lets it go.
        ("ecommune_payments", "0004_household_in_families"),
        ("ecommune_school", "0006_school_holidays"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="schoolenrolment",
                    name="child",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="enrolments",
                        to="ecommune_families.child",
                    ),
                ),
                migrations.AlterField(
                    model_name="activityenrolment",
                    name="child",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="activities",
                        to="ecommune_families.child",
                    ),
                ),
                migrations.DeleteModel(name="Child"),
                migrations.DeleteModel(name="Guardian"),
                migrations.DeleteModel(name="Invitation"),
                migrations.DeleteModel(name="Household"),
            ],
        ),
    ]
