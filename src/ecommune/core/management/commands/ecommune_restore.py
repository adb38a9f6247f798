"""Restore an ``ecommune_backup`` archive into an empty database and empty folders."""

from pathlib import Path

from django.core.management.base import BaseCommand

from ecommune.core import backup
from ecommune.core import command_arguments as arguments
from ecommune.core.command_arguments import bad_input


class Command(BaseCommand):
    help = "Restore a backup archive into the (empty) database and (empty) file folders."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=arguments.path)

    def handle(self, *args, archive, **options):
        path = Path(archive)
        if not path.is_file():
            raise bad_input(f"No such backup file: {archive}")
        try:
            manifest = backup.restore(path)
        except backup.BackupError as error:
            raise bad_input(f"Restore refused: {error}") from error
        files = ", ".join(f"{folder}/ {count} files" for folder, count in manifest["files"].items())
        self.stdout.write(
            f"Restored the {manifest['database']} database of {manifest['created']} "
            f"(ecommune {manifest['ecommune']}){', ' + files if files else ''}. "
            "Run manage.py migrate, then manage.py ecommune_doctor."
        )
