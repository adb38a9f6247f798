"""Queue tomorrow's appointment reminders; run it daily (see docs/services/appointments.md)."""

from django.core.management.base import BaseCommand

from ecommune.appointments.services import send_due_reminders


class Command(BaseCommand):
    help = "Queue the reminders of tomorrow's appointments (email, and SMS with a mobile)."

    def handle(self, *args, **options):
        count = send_due_reminders()
        self.stdout.write(f"{count} reminder(s) queued.")
