"""Create or update a commune from a JSON file (the scaffolded site's config/commune.json)."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from ecommune.core import command_arguments as arguments
from ecommune.core.command_arguments import bad_input
from ecommune.core.provisioning import CommuneData, remove_wagtail_welcome_page, setup_commune


class Command(BaseCommand):
    help = (
        "Create or update the commune described in a JSON file (its site, home page and settings)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", type=arguments.path, help="JSON file: name, insee_code, postal_codes, domain, …"
        )
        parser.add_argument(
            "--not-default",
            action="store_true",
            help="Do not make this commune's site the default one (another commune already is).",
        )

    def handle(self, path, not_default, **options):
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise bad_input(f"Cannot read {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise bad_input(f"{path} must hold a JSON object (name, insee_code, …).")
        required = ("name", "insee_code", "postal_codes", "domain")
        missing = [key for key in required if not data.get(key)]
        if missing:
            raise bad_input(f"{path} lacks: {', '.join(missing)}.")
        commune_data = CommuneData.from_dict(data)
        remove_wagtail_welcome_page()
        try:
            commune = setup_commune(commune_data, default_site=not not_default)
        except ValidationError as exc:
            raise bad_input(
                "; ".join(
                    f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
                )
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{commune.name} ({commune.insee_code}) is served on {commune.site.hostname}."
            )
        )
