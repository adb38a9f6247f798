"""Seed the demo commune (idempotent) and print its accounts."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from ecommune.core.demo import seed_demo


class Command(BaseCommand):
    help = "Create the demo commune, its pages, counters, schools and two accounts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--credentials",
            default=None,
            help="Where to keep the demo accounts' passwords (default: BASE_DIR/credentials.json).",
        )

    def handle(self, credentials, **options):
        path = Path(credentials) if credentials else Path(settings.BASE_DIR) / "credentials.json"
        accounts = seed_demo(path)
        for role, account in accounts.items():
            self.stdout.write(f"{role}: {account['email']} / {account['password']}")
