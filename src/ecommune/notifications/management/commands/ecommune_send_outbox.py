"""``manage.py ecommune_send_outbox``: send the outbox messages that are due.

The retry path of the outbox, run every minute by a systemd timer or cron: a
message whose provider failed waits here for its next attempt. It sends in this
process, so it works whatever the task backend (and with no worker running).
"""

from django.core.management.base import BaseCommand

from ecommune.core import command_arguments as arguments
from ecommune.notifications.services import send_due_messages


class Command(BaseCommand):
    help = "Send the outbox messages (email, SMS) whose next attempt is due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=arguments.whole_number(1, 100_000),
            default=None,
            help="At most this many messages in one run (ECOMMUNE_NOTIFICATION_BATCH_SIZE).",
        )

    def handle(self, *args, limit=None, **options):
        counts = send_due_messages(limit=limit)
        if options["verbosity"] >= 1 and counts:
            summary = ", ".join(f"{status}: {count}" for status, count in sorted(counts.items()))
            self.stdout.write(summary)
