"""Queue the reminders of « Mon agenda »; run daily (job ``agenda-reminders``)."""

from django.core.management.base import BaseCommand

from ecommune.notifications.agenda_reminders import send_due_reminders


class Command(BaseCommand):
    help = "Queue an email to each resident who asked for it, a few days before their dates."

    def handle(self, *args, **options):
        count = send_due_reminders()
        self.stdout.write(f"{count} reminder(s) queued.")
