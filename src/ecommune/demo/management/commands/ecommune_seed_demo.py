"""Seed the demo commune (idempotent) and print its accounts."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from ecommune.core import command_arguments as arguments
from ecommune.core.command_arguments import bad_input
from ecommune.demo.seed import read_credentials, seed_demo


class Command(BaseCommand):
    help = "Create the demo commune, its pages, counters, schools and two accounts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--credentials",
            type=arguments.path,
            default=None,
            help="Where to keep the demo accounts' passwords (default: BASE_DIR/credentials.json).",
        )

    def handle(self, credentials, **options):
        path = Path(credentials) if credentials else Path(settings.BASE_DIR) / "credentials.json"
        try:
            read_credentials(path)
        except ValueError as error:
            raise bad_input(str(error)) from None
        accounts = seed_demo(path)
        for role, account in accounts.items():
            self.stdout.write(f"{role}: {account['email']} / {account['password']}")
