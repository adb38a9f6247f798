"""Remind households of unpaid invoices after the commune's delay; run it daily (see
docs/it-team/billing.md). An invoice is never reminded twice within the delay."""

from django.core.management.base import BaseCommand

from ecommune.core import command_arguments as arguments
from ecommune.payments.notices import send_reminders
from ecommune.services.school.management.commands._communes import each


class Command(BaseCommand):
    help = "Queue reminders of unpaid invoices past the commune's reminder delay."

    def add_arguments(self, parser):
        parser.add_argument(
            "--commune",
            type=arguments.text(),
            help="only this commune (id, INSEE code, host, name)",
        )

    def handle(self, *args, **options):
        for commune in each(options["commune"]):
            count = send_reminders(commune)
            self.stdout.write(f"{commune.name}: {count} invoice(s) reminded.")
