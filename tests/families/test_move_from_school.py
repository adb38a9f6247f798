"""Households, guardians, invitations and children moved from the school service's app to
``ecommune.families``: an install that had them keeps every row, and the permissions
granted on them follow."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from ecommune.families.models import Child, Guardian, Household, Invitation
from ecommune.testing.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.outside_commune]

BEFORE = [
    ("ecommune_families", None),
    ("ecommune_school", "0006_school_holidays"),
    ("ecommune_payments", "0003_payments_account"),
]


def test_an_install_from_before_the_move_keeps_its_families(commune):
    resident = UserFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE[1:]).apps
    OldHousehold = old.get_model("ecommune_school", "Household")
    household = OldHousehold.objects.create(
        commune_id=commune.pk,
        street_number="3",
        street_name="rue des Écoles",
        postal_code="44000",
        city="Nantes",
    )
    old.get_model("ecommune_school", "Guardian").objects.create(
        commune_id=commune.pk, household_id=household.pk, user_id=resident.pk
    )
    old.get_model("ecommune_school", "Child").objects.create(
        commune_id=commune.pk,
        household_id=household.pk,
        first_name="Léa",
        last_name="Lefebvre",
        birth_date=datetime.date(2019, 5, 4),
    )
    old.get_model("ecommune_school", "Invitation").objects.create(
        commune_id=commune.pk,
        household_id=household.pk,
        email="paul@example.org",
        token="t0ken",
        invited_by_id=resident.pk,
        expires_at=timezone.now() + datetime.timedelta(days=3),
    )
    # What post_migrate made for the old app: a content type and its permissions.
    old_type, _ = ContentType.objects.get_or_create(app_label="ecommune_school", model="household")
    ContentType.objects.filter(app_label="ecommune_families").delete()
    permission, _ = Permission.objects.get_or_create(
        content_type=old_type, codename="change_household", defaults={"name": "Can change"}
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    moved = Household.objects.for_commune(commune).get(pk=household.pk)
    # Its address went into its guardian's account, where it is kept once.
    assert moved.address == "3 rue des Écoles, 44000 Nantes"
    assert [g.user_id for g in Guardian.objects.for_commune(commune)] == [resident.pk]
    assert [str(c) for c in Child.objects.for_commune(commune)] == ["Léa Lefebvre"]
    assert Invitation.objects.for_commune(commune).get().household_id == household.pk
    permission.refresh_from_db()
    assert permission.content_type_id == old_type.pk
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(Household).pk == old_type.pk
    assert not ContentType.objects.filter(app_label="ecommune_school", model="household").exists()
