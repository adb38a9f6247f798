"""The monthly billing run of the canteen and after-school care (see docs/it-team/billing.md).

Idempotent: run it again for the same month and only households not yet billed get an
invoice. Usage: ``manage.py ecommune_billing_run --commune 44109 --month 2026-11``.
"""

from django.core.management.base import BaseCommand

from ecommune.core import command_arguments as arguments
from ecommune.services.school.billing import run_billing
from ecommune.services.school.management.commands._communes import selected


class Command(BaseCommand):
    help = "Issue a month's canteen and after-school invoices of a commune (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--commune",
            required=True,
            type=arguments.text(),
            help="id, INSEE code, host name or name",
        )
        parser.add_argument(
            "--month", required=True, type=arguments.month, help="YYYY-MM, such as 2026-11"
        )
        parser.add_argument(
            "--issued-on",
            type=arguments.date,
            help="the issue date, YYYY-MM-DD (default: today)",
            default=None,
        )
        parser.add_argument(
            "--per-day", action="store_true", help="one line per child, activity and day"
        )

    def handle(self, *args, **options):
        year, month = options["month"]
        issued_on = options["issued_on"]
        with selected(options["commune"]) as commune:
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
