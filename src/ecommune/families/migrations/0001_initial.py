"""Households, guardians, invitations and children move from ecommune.services.school to
ecommune.families: the models change app, their tables stay (``db_table``), so an existing
install keeps its rows. The content types follow, with the permissions granted on them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("household", "guardian", "invitation", "child")


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        old = ContentType.objects.filter(app_label="ecommune_school", model=model).first()
        if old is None:
            continue  # a new install: post_migrate creates the families' ones
        ContentType.objects.filter(app_label="ecommune_families", model=model).delete()
        old.app_label = "ecommune_families"
        old.save(update_fields=["app_label"])


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="ecommune_families", model__in=MOVED).update(
        app_label="ecommune_school"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("ecommune_core", "0001_initial"),
        ("ecommune_requests", "0003_inbox_canned_replies_delay_clock"),
        ("ecommune_school", "0006_school_holidays"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Household",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "street_number",
                            models.CharField(blank=True, max_length=10, verbose_name="number"),
                        ),
                        (
                            "street_name",
                            models.CharField(blank=True, max_length=200, verbose_name="street"),
                        ),
                        (
                            "postal_code",
                            models.CharField(blank=True, max_length=5, verbose_name="postal code"),
                        ),
                        ("city", models.CharField(blank=True, max_length=120, verbose_name="city")),
                        (
                            "quotient_familial",
                            models.PositiveIntegerField(
                                blank=True,
                                help_text="In euros, as written on the CAF or MSA certificate.",
                                null=True,
                                verbose_name="quotient familial",
                            ),
                        ),
                        (
                            "qf_valid_until",
                            models.DateField(
                                blank=True, null=True, verbose_name="quotient familial valid until"
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                        ),
                        (
                            "commune",
                            models.ForeignKey(
                                editable=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="ecommune_core.commune",
                                verbose_name="commune",
                            ),
                        ),
                        (
                            "qf_document",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="ecommune_requests.document",
                                verbose_name="proof of quotient familial",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "ecommune_school_household",
                        "verbose_name": "household",
                        "verbose_name_plural": "households",
                        "ordering": ["pk"],
                    },
                ),
                migrations.CreateModel(
                    name="Invitation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("email", models.EmailField(max_length=254, verbose_name="email")),
                        ("token", models.CharField(editable=False, max_length=64, unique=True)),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="sent at"),
                        ),
                        ("expires_at", models.DateTimeField(verbose_name="valid until")),
                        (
                            "accepted_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="accepted at"),
                        ),
                        (
                            "commune",
                            models.ForeignKey(
                                editable=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="ecommune_core.commune",
                                verbose_name="commune",
                            ),
                        ),
                        (
                            "household",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="invitations",
                                to="ecommune_families.household",
                            ),
                        ),
                        (
                            "invited_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "ecommune_school_invitation",
                        "verbose_name": "invitation",
                        "verbose_name_plural": "invitations",
                        "ordering": ["-created_at", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="Guardian",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "joined_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="joined at"),
                        ),
                        (
                            "commune",
                            models.ForeignKey(
                                editable=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="ecommune_core.commune",
                                verbose_name="commune",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="ecommune_guardianships",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="account",
                            ),
                        ),
                        (
                            "household",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="guardians",
                                to="ecommune_families.household",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "ecommune_school_guardian",
                        "verbose_name": "legal guardian",
                        "verbose_name_plural": "legal guardians",
                        "ordering": ["joined_at", "pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("commune", "user"),
                                name="ecommune_school_one_household_per_commune",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Child",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("first_name", models.CharField(max_length=150, verbose_name="first name")),
                        ("last_name", models.CharField(max_length=150, verbose_name="last name")),
                        ("birth_date", models.DateField(verbose_name="date of birth")),
                        (
                            "level",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("PS", "Petite section"),
                                    ("MS", "Moyenne section"),
                                    ("GS", "Grande section"),
                                    ("CP", "CP"),
                                    ("CE1", "CE1"),
                                    ("CE2", "CE2"),
                                    ("CM1", "CM1"),
                                    ("CM2", "CM2"),
                                ],
                                max_length=3,
                                verbose_name="school level",
                            ),
                        ),
                        (
                            "commune",
                            models.ForeignKey(
                                editable=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="ecommune_core.commune",
                                verbose_name="commune",
                            ),
                        ),
                        (
                            "household",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="children",
                                to="ecommune_families.household",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "ecommune_school_child",
                        "verbose_name": "child",
                        "verbose_name_plural": "children",
                        "ordering": ["birth_date", "pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("commune", "last_name", "first_name", "birth_date"),
                                name="ecommune_school_one_household_per_child",
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
