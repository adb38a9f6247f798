"""A billable commune for the billing and invoice tests: a canteen and an evening care
with price grids for 2026-2027, and families enrolled."""

import datetime
from decimal import Decimal

from ecommune.core import tenancy
from ecommune.families import households
from ecommune.requests.models import Document
from ecommune.services.school import activities
from ecommune.services.school.models import Activity, PriceBand
from ecommune.testing.factories import UserFactory

YEAR = 2026


def grid(commune, activity, bands, default, year=YEAR):
    for low, high, price in bands:
        PriceBand.unscoped.create(
            commune=commune,
            activity=activity,
            school_year=year,
            qf_min=low,
            qf_max=high,
            price=Decimal(price),
        )
    PriceBand.unscoped.create(
        commune=commune, activity=activity, school_year=year, is_default=True, price=default
    )


def make_activities(commune):
    canteen = Activity.unscoped.create(
        commune=commune, name="Cantine", kind="canteen", weekdays=[0, 1, 3, 4]
    )
    grid(commune, canteen, [(0, 450, "0.90"), (451, 900, "2.50"), (901, None, "3.80")], "4.20")
    evening = Activity.unscoped.create(
        commune=commune, name="Garderie du soir", kind="evening", weekdays=[0, 1, 3, 4]
    )
    grid(commune, evening, [(0, 900, "1.10"), (901, None, "2.00")], "2.40")
    return canteen, evening


def make_family(commune, *, qf=None, qf_valid_until=None, children=1, user=None, name="Roy"):
    """A household of ``commune``, set up as that commune's own pages would."""
    with tenancy.using(commune):
        return _make_family(
            commune, qf=qf, qf_valid_until=qf_valid_until, children=children, user=user, name=name
        )


def _make_family(commune, *, qf=None, qf_valid_until=None, children=1, user=None, name="Roy"):
    user = user or UserFactory(last_name=name)
    if not user.street_address:
        # The family's address is its guardian's, kept in the account.
        user.street_address, user.postal_code, user.city = "3 rue des Écoles", "44000", "Nantes"
        user.save(update_fields=["street_address", "postal_code", "city"])
    household = households.get_or_create_household(user, commune)
    if qf is not None:
        household.quotient_familial = qf
        household.qf_valid_until = qf_valid_until or datetime.date(2027, 8, 31)
        household.qf_document = Document.objects.create(commune=commune, **_document_fields(user))
    household.save()
    kids = [
        households.add_child(
            household,
            first_name=f"Enfant{n}",
            last_name=name,
            birth_date=datetime.date(2018 + n, 5, 1),
        )
        for n in range(children)
    ]
    return user, household, kids


def _document_fields(user):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    return {
        "owner": user,
        "kind": "income",
        "title": "Attestation CAF",
        "file": ContentFile(b"%PDF-1.4 test", name="qf.pdf"),
        "original_name": "qf.pdf",
        "content_type": "application/pdf",
        "size": 13,
        "expires_at": timezone.now() + datetime.timedelta(days=365),
    }


def enrol(child, activity, weekdays, year=YEAR):
    return activities.enrol(child, activity, year, weekdays)
