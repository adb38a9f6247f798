"""Remove an agent's second factor (a lost phone): they set up a new one at next sign-in."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from ecommune.accounts import second_factor
from ecommune.accounts.audit import audit
from ecommune.accounts.models import AuditEvent
from ecommune.core import command_arguments as arguments
from ecommune.core.command_arguments import bad_input, shown


class Command(BaseCommand):
    help = "Remove the authenticator and backup codes of a back-office user, by email."

    def add_arguments(self, parser):
        parser.add_argument("email", type=arguments.text(254))

    def handle(self, email, **options):
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise bad_input(f"No account with the address {shown(email)}.")
        removed = second_factor.reset(user)
        audit(user, AuditEvent.Action.OTP_RESET, summary="ecommune_reset_otp")
        self.stdout.write(f"{removed} device(s) removed for {user.email}.")
