"""Invoices and payments point at the household of ecommune.families (the same table as
before: only Django's state changes)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ecommune_families", "0001_initial"),
        ("ecommune_payments", "0003_payments_account"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="invoice",
                    name="household",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invoices",
                        to="ecommune_families.household",
                        verbose_name="household",
                    ),
                ),
                migrations.AlterField(
                    model_name="payment",
                    name="household",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="payments",
                        to="ecommune_families.household",
                        verbose_name="household",
                    ),
                ),
            ],
        ),
    ]
