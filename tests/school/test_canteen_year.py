"""The canteen page follows the children's school (issue 17): its year is the school
enrolment's, a child too young for school gets no days before their school start, and days
chosen are billed only from the day they were chosen."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from ecommune.families import households
from ecommune.requests.models import Request
from ecommune.services.school import billing
from ecommune.services.school.models import Activity, ActivityEnrolment, PriceBand
from ecommune.testing.factories import UserFactory
from tests.accounts.conftest import fr

pytestmark = pytest.mark.django_db

PAGE = "/famille/activites/"
# A Monday in December 2026: the enrolments of 2027-2028 are open.
MONDAY = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def family(client, commune):
    user = UserFactory()
    client.force_login(user)
    household = households.get_or_create_household(user, commune)
    older = households.add_child(
        household, first_name="Léa", last_name="Roy", birth_date=datetime.date(2019, 5, 1)
    )
    toddler = households.add_child(
        household, first_name="Noé", last_name="Roy", birth_date=datetime.date(2024, 2, 1)
    )
    canteen = Activity.unscoped.create(
        commune=commune, name="Cantine", kind="canteen", weekdays=[0, 1, 3, 4]
    )
    for year in (2026, 2027):
        PriceBand.unscoped.create(
            commune=commune, activity=canteen, school_year=year, is_default=True, price="3.00"
        )
    return user, household, older, toddler, canteen


def days_field(child, canteen):
    return f"child{child.pk}-a{canteen.pk}"


@time_machine.travel(MONDAY, tick=False)
def test_a_child_too_young_for_school_gets_no_days_this_year(client, family):
    _user, _household, older, toddler, canteen = family
    page = client.get(PAGE).content.decode()
    assert f'name="{days_field(older, canteen)}"' in page
    assert f'name="{days_field(toddler, canteen)}"' not in page
    assert "Noé" in page and "2026-2027" in page
    # Posting days for them anyway enrols nobody.
    client.post(PAGE, {"action": "days", days_field(toddler, canteen): ["0"]})
    assert not ActivityEnrolment.unscoped.filter(child=toddler).exists()


@time_machine.travel(MONDAY, tick=False)
def test_the_page_opens_on_the_school_enrolments_year_and_its_start(client, commune, family):
    from ecommune.services.school.models import SchoolEnrolment

    user, _household, _older, toddler, canteen = family
    request = Request.unscoped.create(
        commune=commune,
        reference="EC-2026-TEST1",
        service="school",
        applicant=user,
        applicant_first_name="Anne",
        applicant_last_name="Roy",
        applicant_email=user.email,
    )
    SchoolEnrolment.unscoped.create(
        commune=commune,
        request=request,
        child=toddler,
        child_first_name="Noé",
        child_last_name="Roy",
        child_birth_date=toddler.birth_date,
        school_year=2027,
        level="PS",
        street_number="4",
        street_name="rue des Tilleuls",
        postal_code="44990",
        city="Saint-Ébrard-sur-Loire",
    )
    page = client.get(PAGE).content.decode()
    assert "2027-2028" in page and f'name="{days_field(toddler, canteen)}"' in page
    assert "mercredi 1 septembre 2027" in page
    client.post(PAGE, {"action": "days", days_field(toddler, canteen): ["0", "3"]})
    enrolment = ActivityEnrolment.unscoped.get(child=toddler)
    assert enrolment.school_year == 2027
    assert enrolment.starts_on == datetime.date(2027, 9, 1)
    assert fr("See the school year %(year)s") % {"year": "2026-2027"} in page


def test_days_are_billed_only_from_the_day_they_were_chosen(client, commune, family):
    _user, household, older, _toddler, canteen = family
    with time_machine.travel(datetime.datetime(2026, 11, 16, 10, 0, tzinfo=datetime.UTC)):
        client.post(PAGE, {"action": "days", days_field(older, canteen): ["0", "1", "3", "4"]})
    enrolment = ActivityEnrolment.unscoped.get(child=older)
    assert enrolment.starts_on == datetime.date(2026, 11, 16)
    with time_machine.travel(datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC)):
        billing.run_billing(commune, 2026, 11, issued_on=datetime.date(2026, 12, 2))
    from ecommune.payments.models import Invoice, InvoiceLine

    invoice = Invoice.unscoped.get(household=household)
    days = billing.billable_days(commune, 2026, 11)
    expected = [d for d in days if d >= datetime.date(2026, 11, 16) and d.weekday() != 2]
    quantity = sum(line.quantity for line in InvoiceLine.objects.filter(invoice=invoice))
    assert quantity == len(expected) < len([d for d in days if d.weekday() != 2])
    assert invoice.total == Decimal("3.00") * len(expected)
