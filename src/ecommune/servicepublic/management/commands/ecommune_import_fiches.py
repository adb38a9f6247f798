"""``manage.py ecommune_import_fiches PATH``: import the DILA « vosdroits » XML set.

PATH is the downloaded zip (``vosdroits-latest.zip``, see ``importer.DILA_URL``), a
folder of XML files, or one file. Run it daily (cron or a scheduled task); only changed
fiches are rewritten.
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from ecommune.servicepublic.importer import import_publications


class Command(BaseCommand):
    help = "Import service-public.fr fiches (DILA vosdroits XML): a zip, a folder or a file."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--keep-missing",
            action="store_true",
            help="Do not unpublish fiches missing from a zip or folder.",
        )

    def handle(self, path, keep_missing, **options):
        interactive = self.stdout.isatty() if hasattr(self.stdout, "isatty") else False

        def progress(done, total):
            if interactive:
                width = 30
                filled = width * done // max(total, 1)
                self.stdout.write(
                    f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending=""
                )
            elif done == total or done % 500 == 0:
                self.stdout.write(f"{done}/{total}")

        try:
            report = import_publications(
                path, unpublish_missing=False if keep_missing else None, progress=progress
            )
        except FileNotFoundError as error:
            raise CommandError(f"No such file or folder: {error}") from error
        if interactive:
            self.stdout.write("")
        self.stdout.write(
            f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
            f"unpublished {report.unpublished}, unreadable {len(report.errors)}"
        )
        for name, reason in report.errors:
            sys.stderr.write(f"{name}: {reason}\n")
