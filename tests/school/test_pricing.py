"""Prices per quotient familial band and school year, the « cantine à 1 € » check, and the
public simulator (no account): money in Decimal to the cent."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from ecommune.core import tenancy
from ecommune.families import households
from ecommune.services.school import pricing
from ecommune.services.school.models import Activity, PriceBand
from ecommune.testing.factories import UserFactory
from ecommune.testing.otp import login_agent

pytestmark = pytest.mark.django_db

YEAR = 2026


def grid(commune, activity, bands, default="4.20", year=YEAR):
    for low, high, price in bands:
        PriceBand.unscoped.create(
            commune=commune,
            activity=activity,
            school_year=year,
            qf_min=low,
            qf_max=high,
            price=Decimal(price),
        )
    if default:
        PriceBand.unscoped.create(
            commune=commune,
            activity=activity,
            school_year=year,
            is_default=True,
            price=Decimal(default),
        )


@pytest.fixture
def canteen(commune):
    activity = Activity.unscoped.create(
        commune=commune, name="Cantine", kind="canteen", weekdays=[0, 1, 3, 4]
    )
    grid(commune, activity, [(0, 450, "0.90"), (451, 900, "2.50"), (901, None, "3.80")])
    return activity


def test_the_price_follows_the_qf_band_and_the_default_applies_without_a_qf(canteen):
    bands = list(PriceBand.unscoped.filter(activity=canteen))
    assert pricing.price_for(bands, 0) == Decimal("0.90")
    assert pricing.price_for(bands, 450) == Decimal("0.90")
    assert pricing.price_for(bands, 451) == Decimal("2.50")
    assert pricing.price_for(bands, 5000) == Decimal("3.80")
    assert pricing.price_for(bands, None) == Decimal("4.20")


def test_an_expired_qf_proof_means_the_default_price(commune, canteen):
    household = households.get_or_create_household(UserFactory(), commune)
    household.quotient_familial = 300
    household.qf_valid_until = datetime.date(2026, 12, 31)
    household.qf_document_id = None
    bands = list(PriceBand.unscoped.filter(activity=canteen))
    # Without its proof the QF does not count.
    assert pricing.price_for(bands, household.qf_on(datetime.date(2026, 12, 1))) == Decimal("4.20")


def test_the_cantine_a_1_euro_check_says_what_is_missing(commune, canteen):
    assert pricing.cantine_a_un_euro(canteen, YEAR).meets
    cheap = Activity.unscoped.create(commune=commune, name="Cantine B", kind="canteen")
    grid(commune, cheap, [(0, 600, "1.20"), (601, None, "3.00")], default=None)
    check = pricing.cantine_a_un_euro(cheap, YEAR)
    assert not check.meets
    assert any("au moins 3" in reason for reason in check.reasons)
    assert any("1 € ou moins" in reason for reason in check.reasons)
    evening = Activity.unscoped.create(commune=commune, name="Soir", kind="evening")
    assert not pricing.cantine_a_un_euro(evening, YEAR).meets


def test_a_month_counts_the_sessions_of_the_chosen_days():
    # March 2027: 5 Mondays, 5 Tuesdays, 4 Thursdays, 4 Fridays.
    assert pricing.sessions_in_month(2027, 3, [0, 1, 3, 4]) == 18
    assert pricing.sessions_in_month(2027, 3, [2]) == 5


@time_machine.travel(datetime.datetime(2026, 11, 20, 10, 0), tick=False)
def test_the_public_simulator_computes_a_month_without_an_account(client, commune, canteen):
    page = client.get("/famille/simulateur/")
    assert page.status_code == 200
    assert "Combien va me coûter la cantine" in page.content.decode()
    result = client.get(
        "/famille/simulateur/",
        {"month": "2027-03", "qf": "420", f"activity_{canteen.pk}": ["0", "1", "3", "4"]},
    )
    html = result.content.decode()
    assert "18" in html and "0,90 €" in html and "16,20 €" in html
    full = client.get("/famille/simulateur/", {"month": "2027-03", f"activity_{canteen.pk}": ["0"]})
    # March 2027 has 5 Mondays, at the default price.
    assert "21,00 €" in full.content.decode()


@time_machine.travel(datetime.datetime(2026, 11, 20, 10, 0), tick=False)
def test_the_simulator_refuses_a_negative_qf_next_to_the_field(client, commune, canteen):
    response = client.get("/famille/simulateur/", {"month": "2027-03", "qf": "-5"})
    assert "supérieure ou égale à 0" in str(response.context["form"].errors["qf"])


def test_the_back_office_lists_the_activities_with_the_cantine_check(client, commune, canteen):
    admin = UserFactory(is_staff=True, is_superuser=True)
    login_agent(client, admin)
    with tenancy.using(commune):
        html = client.get("/admin/ecommune_school_activities/").content.decode()
    assert "Cantine" in html and "Cantine à 1 €" in html
