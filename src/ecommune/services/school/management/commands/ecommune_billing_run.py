"""The monthly billing run of the canteen and after-school care (see docs/it-team/billing.md).

Idempotent: run it again for the same month and only households not yet billed get an
invoice. Usage: ``manage.py ecommune_billing_run --commune 44109 --month 2026-11``.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from ecommune.core import tenancy
from ecommune.services.school.billing import run_billing
from ecommune.services.school.management.commands._communes import find_commune


def parse_month(value: str) -> tuple[int, int]:
    try:
        day = datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError as error:
        raise CommandError(f"--month wants YYYY-MM, such as 2026-11, not {value!r}.") from error
    return day.year, day.month


class Command(BaseCommand):
    help = "Issue a month's canteen and after-school invoices of a commune (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--commune", required=True, help="id, INSEE code, host name or name")
        parser.add_argument("--month", required=True, help="YYYY-MM, such as 2026-11")
        parser.add_argument(
            "--issued-on", help="the issue date, YYYY-MM-DD (default: today)", default=None
        )
        parser.add_argument(
            "--per-day", action="store_true", help="one line per child, activity and day"
        )

    def handle(self, *args, **options):
        commune = find_commune(options["commune"])
        year, month = parse_month(options["month"])
        issued_on = None
        if options["issued_on"]:
            issued_on = datetime.date.fromisoformat(options["issued_on"])
        with tenancy.using(commune):
            result = run_billing(
                commune, year, month, issued_on=issued_on, per_day=options["per_day"]
            )
        first = result.issued[0].number if result.issued else "—"
        last = result.issued[-1].number if result.issued else "—"
        self.stdout.write(
            f"{commune.name} {year}-{month:02}: {len(result.issued)} invoice(s) issued "
            f"({first} to {last}, {result.total} €, {result.lines} lines), "
            f"{result.skipped} household(s) already billed."
        )
