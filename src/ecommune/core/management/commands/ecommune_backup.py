"""Save the database and the files in one archive readable by the site's user only."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ecommune.core import backup
from ecommune.core import command_arguments as arguments


class Command(BaseCommand):
    help = (
        "Save the database and the private and media files in one archive "
        "(mode 0600, in a folder of mode 0700)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=arguments.path,
            default=None,
            help="Folder of the archives (default: BASE_DIR/backups).",
        )

    def handle(self, *args, output=None, **options):
        folder = Path(output) if output else Path(settings.BASE_DIR) / "backups"
        try:
            archive = backup.backup(folder)
        except (backup.BackupError, OSError) as error:
            raise CommandError(f"Backup failed: {error}") from error
        self.stdout.write(str(archive))
