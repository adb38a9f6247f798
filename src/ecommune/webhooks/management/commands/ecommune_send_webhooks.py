"""``manage.py ecommune_send_webhooks``: send the webhook deliveries that are due.

The retry path of the webhooks, run every minute by the scheduler: a delivery whose
endpoint was down waits here for its next attempt. It sends in this process, so it works
whatever the task backend (and with no worker running). It then deletes the deliveries
over (delivered or failed) for longer than ``ECOMMUNE_WEBHOOK_RETENTION_DAYS`` (90).
"""

from django.core.management.base import BaseCommand

from ecommune.core import command_arguments as arguments
from ecommune.webhooks.services import purge_old_deliveries, send_due_deliveries


class Command(BaseCommand):
    help = "Send the webhook deliveries whose next attempt is due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=arguments.whole_number(1, 100_000),
            default=None,
            help="At most this many deliveries per commune in one run.",
        )

    def handle(self, *args, limit=None, **options):
        counts = send_due_deliveries(limit=limit)
        purged = purge_old_deliveries()
        if purged:
            counts["purged"] = purged
        if options["verbosity"] >= 1 and counts:
            summary = ", ".join(f"{status}: {count}" for status, count in sorted(counts.items()))
            self.stdout.write(summary)
