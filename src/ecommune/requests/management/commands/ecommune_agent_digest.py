"""``manage.py ecommune_agent_digest``: email each agent their requests overdue or due within
two working days. Run it once a day (cron or a systemd timer, see docs/it-team); running it
again the same day sends nothing more."""

from django.core.management.base import BaseCommand

from ecommune.core import command_arguments as arguments
from ecommune.requests.digest import send_digests


class Command(BaseCommand):
    help = "Email each agent the requests that are overdue or due within two working days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=arguments.date,
            help="The day to compute the digest for, as YYYY-MM-DD (default: today).",
        )

    def handle(self, *args, date=None, **options):
        counts = send_digests(date)
        self.stdout.write(
            f"{counts.get('digests', 0)} digest(s) queued, "
            f"{counts.get('already_sent', 0)} already sent today, "
            f"{counts.get('nothing_due', 0)} agent(s) with nothing due."
        )
