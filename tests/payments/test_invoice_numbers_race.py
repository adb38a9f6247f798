"""Gapless numbers under concurrency: threads issuing invoices and credit notes at once on
PostgreSQL get consecutive numbers, none twice and none skipped."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from ecommune.core import tenancy
from ecommune.payments import invoices as issuing
from ecommune.payments.models import Invoice
from tests.school.billing_setup import make_family

pytestmark = pytest.mark.django_db(transaction=True)

ISSUED = datetime.date(2026, 12, 1)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and concurrent writers need PostgreSQL"
)
def test_concurrent_issuers_get_consecutive_numbers(commune):
    _user, household, _kids = make_family(commune, qf=400)
    racers, each = 8, 5
    barrier = threading.Barrier(racers)
    errors = []

    def issue_some(n):
        try:
            barrier.wait()
            # Each thread is a request of its own: it selects the commune as one would.
            with tenancy.using(commune):
                for k in range(each):
                    line = issuing.LineDraft(
                        label=f"T{n}-{k}", quantity=Decimal(1), unit_price=Decimal("1.00")
                    )
                    issuing.issue_invoice(household, [line], issued_on=ISSUED, send_notice=False)
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue_some, args=(n,)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Invoice.unscoped.filter(commune=commune).values_list("number", flat=True))
    assert numbers == [f"F2026-{n:06d}" for n in range(1, racers * each + 1)]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and concurrent writers need PostgreSQL"
)
def test_two_billing_runs_at_once_issue_each_invoice_once(commune):
    from ecommune.services.school.billing import run_billing
    from tests.school.billing_setup import enrol, make_activities

    canteen, _evening = make_activities(commune)
    for n in range(6):
        _user, _household, (child,) = make_family(commune, qf=400, name=f"R{n}")
        enrol(child, canteen, [0, 3])
    barrier = threading.Barrier(3)
    errors = []

    def run():
        try:
            barrier.wait()
            run_billing(commune, 2026, 11, issued_on=ISSUED, send_notices=False)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Invoice.unscoped.filter(commune=commune).values_list("number", flat=True))
    assert numbers == [f"F2026-{n:06d}" for n in range(1, 7)]
