"""The monthly billing run: one invoice per household, lines per child and activity, the
price of the QF band valid on each day, absences reported in time not billed, public
holidays skipped, idempotent, and a fixed number of queries whatever the families."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from ecommune.notifications.models import OutboxMessage
from ecommune.payments.models import Invoice, InvoiceLine
from ecommune.services.school import billing
from ecommune.services.school.models import DayChange
from tests.school.billing_setup import enrol, make_activities, make_family

pytestmark = pytest.mark.django_db

ISSUED = datetime.date(2026, 12, 1)
# November 2026, Monday, Tuesday, Thursday and Friday: 17 days (the 11th is a Wednesday).
NOVEMBER_DAYS = 17


def no_qf():
    return _("default price, no valid quotient familial")


@pytest.fixture
def grid(commune):
    return make_activities(commune)


def run(commune, **kwargs):
    kwargs.setdefault("send_notices", False)
    return billing.run_billing(commune, 2026, 11, issued_on=ISSUED, **kwargs)


def test_one_invoice_per_household_with_the_qf_band_price(commune, grid):
    canteen, evening = grid
    _user, household, (first, second) = make_family(commune, qf=400, children=2)
    enrol(first, canteen, [0, 1, 3, 4])
    enrol(first, evening, [0])
    enrol(second, canteen, [3])
    _other_user, other, (alone,) = make_family(commune, name="Blanc")  # no QF
    enrol(alone, canteen, [0, 1, 3, 4])
    make_family(commune, name="Vide")  # a household with nothing to bill

    result = run(commune)

    assert len(result.issued) == 2
    mine = Invoice.unscoped.get(household=household)
    assert mine.number == "F2026-000001"
    assert mine.billing_key == f"school:2026-11:household:{household.pk}"
    assert (mine.period_start, mine.period_end) == (
        datetime.date(2026, 11, 1),
        datetime.date(2026, 11, 30),
    )
    assert mine.due_on == ISSUED + datetime.timedelta(days=30)
    lines = list(mine.lines.all())
    assert [(line.child_name, line.quantity, line.unit_price) for line in lines] == [
        ("Enfant0 Roy", Decimal(NOVEMBER_DAYS), Decimal("0.90")),
        ("Enfant0 Roy", Decimal(5), Decimal("1.10")),  # five Mondays
        ("Enfant1 Roy", Decimal(4), Decimal("0.90")),  # four Thursdays
    ]
    assert lines[0].label.startswith("Cantine — 2, 3, 5, 6, 9")
    assert mine.total == Decimal("15.30") + Decimal("5.50") + Decimal("3.60")
    theirs = Invoice.unscoped.get(household=other)
    assert theirs.number == "F2026-000002"
    assert theirs.total == Decimal("4.20") * NOVEMBER_DAYS
    assert no_qf() in theirs.lines.get().label
    assert theirs.payer_address == "3 rue des Écoles, 44000 Nantes"


def test_running_twice_issues_nothing_more(commune, grid):
    canteen, _evening = grid
    _user, _household, (child,) = make_family(commune, qf=400)
    enrol(child, canteen, [0])
    assert len(run(commune).issued) == 1
    again = run(commune)
    assert again.issued == [] and again.skipped == 1
    assert Invoice.unscoped.count() == 1
    # A family enrolled since gets its invoice, with the next number.
    _user2, _household2, (late,) = make_family(commune, name="Tard")
    enrol(late, canteen, [1])
    third = run(commune)
    assert [invoice.number for invoice in third.issued] == ["F2026-000002"]
    assert third.skipped == 1


def test_absences_in_time_are_not_billed_and_extra_days_are(commune, grid):
    canteen, _evening = grid
    _user, household, (child,) = make_family(commune, qf=400)
    enrolment = enrol(child, canteen, [0])  # Mondays: 2, 9, 16, 23, 30
    for day, attending in ((9, False), (16, False), (19, True)):
        DayChange.unscoped.create(
            commune=commune,
            enrolment=enrolment,
            day=datetime.date(2026, 11, day),
            attending=attending,
        )
    run(commune)
    line = Invoice.unscoped.get(household=household).lines.get()
    assert line.quantity == 4
    assert "2, 19, 23, 30 " in line.label


def test_an_expired_qf_proof_means_the_default_price_from_that_day(commune, grid):
    canteen, _evening = grid
    _user, household, (child,) = make_family(
        commune, qf=400, qf_valid_until=datetime.date(2026, 11, 15)
    )
    enrol(child, canteen, [0])  # Mondays 2 and 9 at the band price, 16, 23, 30 default
    run(commune)
    invoice = Invoice.unscoped.get(household=household)
    lines = list(invoice.lines.all())
    assert [(line.quantity, line.unit_price) for line in lines] == [
        (2, Decimal("0.90")),
        (3, Decimal("4.20")),
    ]
    assert no_qf() in lines[1].label
    assert no_qf() not in lines[0].label
    assert invoice.total == Decimal("1.80") + Decimal("12.60")


def test_public_holidays_are_not_billed(commune, grid):
    canteen, _evening = grid
    _user, household, (child,) = make_family(commune, qf=400)
    enrol(child, canteen, [3], year=2026)  # Thursdays of May 2027: 6 is Ascension Day
    billing.run_billing(commune, 2027, 5, issued_on=datetime.date(2027, 6, 1), send_notices=False)
    line = Invoice.unscoped.get(household=household).lines.get()
    assert line.quantity == 3 and "13, 20, 27 " in line.label


def test_one_line_per_day_on_request(commune, grid):
    canteen, _evening = grid
    _user, household, (child,) = make_family(commune, qf=400)
    enrol(child, canteen, [0])
    run(commune, per_day=True)
    lines = list(Invoice.unscoped.get(household=household).lines.all())
    assert [line.service_date.day for line in lines] == [2, 9, 16, 23, 30]
    assert all(line.amount == Decimal("0.90") for line in lines)


def _families(commune, canteen, evening, count, start):
    for n in range(start, start + count):
        _user, _household, kids = make_family(commune, qf=300 + n, children=2, name=f"F{n}")
        for kid in kids:
            enrol(kid, canteen, [0, 1, 3, 4])
            enrol(kid, evening, [0, 3])


def test_the_number_of_queries_does_not_grow_with_the_families(commune, grid):
    canteen, evening = grid
    assert run(commune).issued == []  # the series' counter exists from now on
    _families(commune, canteen, evening, 2, 0)
    with CaptureQueriesContext(connection) as few:
        assert len(run(commune).issued) == 2
    Invoice.unscoped.all()._raw_delete(Invoice.unscoped.db)  # start again, more families
    InvoiceLine.objects.all()._raw_delete(InvoiceLine.objects.db)
    _families(commune, canteen, evening, 8, 2)
    with CaptureQueriesContext(connection) as many:
        assert len(run(commune).issued) == 10
    assert len(many) == len(few), "\n".join(q["sql"][:90] for q in many.captured_queries)


def test_the_guardians_get_a_notice(commune, grid, django_capture_on_commit_callbacks):
    canteen, _evening = grid
    user, _household, (child,) = make_family(commune, qf=400)
    enrol(child, canteen, [0])
    with django_capture_on_commit_callbacks(execute=True):
        billing.run_billing(commune, 2026, 11, issued_on=ISSUED)
    message = OutboxMessage.unscoped.get(event="school.invoice_issued")
    assert message.recipient == user.email
    assert "F2026-000001" in message.subject
    assert "4,50 €" in message.body and "/famille/factures/" in message.body


def test_the_command_runs_the_billing_for_a_commune_and_a_month(commune, grid, capsys):
    canteen, _evening = grid
    _user, _household, (child,) = make_family(commune, qf=400)
    enrol(child, canteen, [0])
    call_command("ecommune_billing_run", "--commune", commune.insee_code, "--month", "2026-11")
    assert "1 invoice(s) issued" in capsys.readouterr().out
    call_command("ecommune_billing_run", "--commune", "commune-a.test", "--month", "2026-11")
    assert "0 invoice(s) issued" in capsys.readouterr().out
    assert Invoice.unscoped.count() == 1


def test_the_days_of_school_holidays_are_not_billed(commune, grid):
    """All Saints' holidays end on 1 November 2026 in every zone; a made-up bridge week from
    the 16th to the 20th stands for the commune's own: its four days are left out."""
    from django.core.exceptions import ValidationError

    from ecommune.services.school.models import SchoolHoliday

    canteen, _evening = grid
    _user, household, (child,) = make_family(commune, qf=400)
    enrol(child, canteen, [0, 1, 3, 4])
    SchoolHoliday.unscoped.create(
        commune=commune,
        name="Pont de novembre",
        starts_on=datetime.date(2026, 11, 16),
        ends_on=datetime.date(2026, 11, 20),
    )
    run(commune)
    line = Invoice.unscoped.get(household=household).lines.get()
    assert line.quantity == Decimal(NOVEMBER_DAYS - 4)
    days = [part.strip() for part in line.label.split("—")[1].split(" novembre")[0].split(",")]
    assert "13" in days and "23" in days
    assert not {"16", "17", "19", "20"} & set(days)
    backwards = SchoolHoliday(
        commune=commune,
        name="À l'envers",
        starts_on=datetime.date(2026, 12, 20),
        ends_on=datetime.date(2026, 12, 19),
    )
    with pytest.raises(ValidationError) as error:
        backwards.full_clean()
    assert "ends_on" in error.value.message_dict
