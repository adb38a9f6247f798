"""The monthly billing run: 10,000 children, 3 activities, 20 days (February 2027).

Run with `.venv/bin/python benchmarks/billing.py` (SQLite in a temporary folder) or with
DATABASE_URL=postgres://… (an empty database: it is migrated and filled). It builds 5,000
households of two children, each child enrolled in the three activities every weekday,
half the households with a valid quotient familial and 5 % of the days reported absent,
then times the billing run, counts its queries, and runs it a second time (idempotent:
nothing issued). ``--per-day`` also times the variant with one line per day;
``--slowest`` prints the slowest queries. Figures only, no pass/fail.
"""

import datetime
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

from _django import start_django

ROOT = Path(__file__).resolve().parent.parent
CHILDREN = int(os.environ.get("BENCH_CHILDREN", "10000"))
PER_HOUSEHOLD = 2
YEAR, MONTH = 2027, 2  # 20 weekdays, no public holiday


def build(commune):
    from django.utils import timezone

    from ecommune.accounts.models import User
    from ecommune.families.models import Child, Guardian, Household
    from ecommune.requests.models import Document
    from ecommune.services.school.models import Activity, ActivityEnrolment, DayChange, PriceBand

    households_count = CHILDREN // PER_HOUSEHOLD
    activities = [
        Activity.unscoped.create(commune=commune, name=name, kind=kind, weekdays=[0, 1, 2, 3, 4])
        for name, kind in (
            ("Cantine", "canteen"),
            ("Garderie du matin", "morning"),
            ("Garderie du soir", "evening"),
        )
    ]
    for activity in activities:
        PriceBand.unscoped.bulk_create(
            [
                PriceBand(
                    commune=commune,
                    activity=activity,
                    school_year=2026,
                    qf_min=low,
                    qf_max=high,
                    price=Decimal(price),
                )
                for low, high, price in ((0, 450, "0.90"), (451, 900, "2.50"), (901, None, "3.80"))
            ]
            + [
                PriceBand(
                    commune=commune,
                    activity=activity,
                    school_year=2026,
                    is_default=True,
                    price=Decimal("4.20"),
                )
            ]
        )
    users = User.objects.bulk_create(
        [
            User(email=f"famille{n}@example.org", first_name="Camille", last_name=f"Martin{n}")
            for n in range(households_count)
        ],
        batch_size=2000,
    )
    expires = timezone.now() + datetime.timedelta(days=365)
    documents = Document.objects.bulk_create(
        [
            Document(
                commune=commune,
                owner=user,
                kind="income",
                title="QF",
                file="qf.pdf",
                original_name="qf.pdf",
                content_type="application/pdf",
                size=1,
                sha256="0" * 64,
                expires_at=expires,
            )
            for user in users[::2]
        ],
        batch_size=2000,
    )
    households = Household.unscoped.bulk_create(
        [
            Household(
                commune=commune,
                street_number=str(n % 90 + 1),
                street_name="rue des Écoles",
                postal_code="44000",
                city="Nantes",
                quotient_familial=(300 + n % 900) if n % 2 == 0 else None,
                qf_document=documents[n // 2] if n % 2 == 0 else None,
                qf_valid_until=datetime.date(2027, 8, 31) if n % 2 == 0 else None,
            )
            for n in range(households_count)
        ],
        batch_size=2000,
    )
    Guardian.unscoped.bulk_create(
        [
            Guardian(commune=commune, household=household, user=user)
            for household, user in zip(households, users, strict=True)
        ],
        batch_size=2000,
    )
    children = Child.unscoped.bulk_create(
        [
            Child(
                commune=commune,
                household=household,
                first_name=f"Enfant{k}",
                last_name=f"Martin{n}",
                birth_date=datetime.date(2017 + k, 3, 1 + n % 28),
                level="CP",
            )
            for n, household in enumerate(households)
            for k in range(PER_HOUSEHOLD)
        ],
        batch_size=2000,
    )
    enrolments = ActivityEnrolment.unscoped.bulk_create(
        [
            ActivityEnrolment(
                commune=commune,
                child=child,
                activity=activity,
                school_year=2026,
                weekdays=[0, 1, 2, 3, 4],
            )
            for child in children
            for activity in activities
        ],
        batch_size=2000,
    )
    weekdays = [
        datetime.date(YEAR, MONTH, day)
        for day in range(1, 29)
        if datetime.date(YEAR, MONTH, day).weekday() < 5
    ]
    DayChange.unscoped.bulk_create(
        [
            DayChange(commune=commune, enrolment=enrolment, day=day, attending=False)
            for n, enrolment in enumerate(enrolments)
            for k, day in enumerate(weekdays)
            if (n + k) % 20 == 0
        ],
        batch_size=2000,
    )
    return len(children), len(activities), len(weekdays)


def timed_run(commune, **kwargs):
    from django.db import connection

    from ecommune.services.school.billing import run_billing

    queries = []

    def count(execute, sql, *args):
        began = time.perf_counter()
        try:
            return execute(sql, *args)
        finally:
            queries.append((time.perf_counter() - began, sql))

    start, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(count):
        result = run_billing(
            commune, YEAR, MONTH, issued_on=datetime.date(2027, 3, 1), send_notices=False, **kwargs
        )
    # Wall time, and this process's CPU time (a fairer figure on a busy machine; on
    # PostgreSQL it leaves out the server's share).
    if "--slowest" in sys.argv:
        for seconds, sql in sorted(queries, key=lambda q: q[0], reverse=True)[:4]:
            print(f"    {seconds:.2f} s  {sql[:90]}")
        print(f"    all queries: {sum(q[0] for q in queries):.2f} s")
    return result, time.perf_counter() - start, time.process_time() - cpu, len(queries)


def main() -> None:
    start_django()
    from django.db import connection

    from ecommune.core import tenancy
    from ecommune.payments.models import Invoice, InvoiceLine
    from ecommune.testing.factories import make_commune

    commune = make_commune("Bench", "bench.test")
    start = time.perf_counter()
    children, activities, days = build(commune)
    print(
        f"data: {children} children, {activities} activities, {days} days "
        f"built in {time.perf_counter() - start:.1f} s ({connection.vendor})"
    )
    with tenancy.using(commune):
        result, elapsed, cpu, queries = timed_run(commune)
        print(
            f"billing run: {len(result.issued)} invoices, {result.lines} lines, "
            f"{result.total} €: {elapsed:.2f} s ({cpu:.2f} s CPU), {queries} queries "
            f"({connection.vendor})"
        )
        again, elapsed, cpu, queries = timed_run(commune)
        print(
            f"second run (idempotent): {len(again.issued)} invoices, {again.skipped} skipped: "
            f"{elapsed:.2f} s ({cpu:.2f} s CPU), {queries} queries"
        )
        if "--per-day" in sys.argv:
            InvoiceLine.objects.filter(invoice__commune=commune)._raw_delete(connection.alias)
            Invoice.unscoped.filter(commune=commune)._raw_delete(connection.alias)
            result, elapsed, cpu, queries = timed_run(commune, per_day=True)
            print(
                f"billing run, one line per day: {len(result.issued)} invoices, "
                f"{result.lines} lines: {elapsed:.2f} s ({cpu:.2f} s CPU), {queries} queries"
            )


if __name__ == "__main__":
    main()
