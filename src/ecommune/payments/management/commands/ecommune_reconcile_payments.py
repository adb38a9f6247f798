"""Settle or fail payments whose bank notification never came, by asking the bank (PayFiP:
``recupererDetailPaiementSecurise``). Run it from cron every 15 minutes (see
docs/it-team/payments.md)."""

from django.core.management.base import BaseCommand

from ecommune.core import command_arguments as arguments
from ecommune.payments.settlement import reconcile


class Command(BaseCommand):
    help = "Ask the bank about payments waiting for longer than --minutes, then settle them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutes",
            type=arguments.whole_number(0, 525_600),
            default=30,
            help="Only payments older than this (30; at most a year).",
        )

    def handle(self, *args, minutes, **options):
        counts = reconcile(older_than_minutes=minutes)
        self.stdout.write(
            "{confirmed} confirmed, {failed} failed, {waiting} still waiting, "
            "{errors} errors.".format(**counts)
        )
