"""Erase who came to past appointments once their retention period is over (run daily)."""

from django.core.management.base import BaseCommand

from ecommune.appointments.identity_documents import forget_expired_declarations
from ecommune.appointments.retention import forget_past_appointments, retention_days


class Command(BaseCommand):
    help = (
        "Erase the name, email and phone of appointments older than "
        "ECOMMUNE_APPOINTMENT_RETENTION_DAYS, and the phones of past queue tickets."
    )

    def handle(self, *args, **options):
        bookings, tickets = forget_past_appointments()
        self.stdout.write(
            f"{bookings} appointment(s) older than {retention_days()} days made anonymous; "
            f"{tickets} queue ticket phone(s) erased."
        )
        declarations = forget_expired_declarations()
        self.stdout.write(f"{declarations} identity document expiry date(s) erased.")
