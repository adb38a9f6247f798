"""``manage.py ecommune_import_fiches PATH``: import the DILA « vosdroits » XML set.

PATH is the downloaded zip (``vosdroits-latest.zip``, see ``importer.DILA_URL``), a
folder of XML files, or one file. Run it daily (cron or a scheduled task); only changed
fiches and resources are rewritten. An unreadable file inside is reported and skipped
(status 0); a zip that cannot be read at all is status 1.
"""

import shutil
import sys
import tempfile
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ecommune.core import command_arguments as arguments
from ecommune.core.command_arguments import bad_input
from ecommune.servicepublic.importer import UnreadableSource, import_publications


class Command(BaseCommand):
    help = "Import service-public.fr fiches (DILA vosdroits XML): a zip, a folder or a file."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=arguments.path)
        parser.add_argument(
            "--download",
            action="store_true",
            help="Download the set from ECOMMUNE_FICHES_URL first (the daily periodic job).",
        )
        parser.add_argument(
            "--keep-missing",
            action="store_true",
            help="Do not unpublish fiches missing from a zip or folder.",
        )

    def handle(self, path, keep_missing, download=False, **options):
        if download == bool(path):
            raise bad_input("Give the path of the set, or --download (not both).")
        if download:
            with tempfile.TemporaryDirectory(prefix="ecommune-fiches-") as folder:
                archive = Path(folder) / "vosdroits-latest.zip"
                url = settings.ECOMMUNE_FICHES_URL
                try:
                    fetch(url, archive)
                except OSError as error:
                    raise CommandError(f"Cannot download {url}: {error}") from error
                self.stdout.write(f"downloaded {url} ({archive.stat().st_size} bytes)")
                return self._import(str(archive), keep_missing, shown=url)
        return self._import(path, keep_missing)

    def _import(self, path, keep_missing, shown=None):
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
            raise bad_input(f"No such file or folder: {error}") from error
        except UnreadableSource as error:
            # Nothing was unpublished: the fiches already imported stay as they were.
            raise bad_input(
                f"{shown or path}: {error}; nothing unpublished: "
                "check the file, or download the set again."
            ) from error
        if interactive:
            self.stdout.write("")
        self.stdout.write(
            f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
            f"unpublished {report.unpublished}, unreadable {len(report.errors)}; "
            f"resources read {report.resources}, resources linked {report.links} "
            f"of {report.citations} citations"
        )
        if report.errors and not report.read:
            name, reason = report.errors[0]
            raise bad_input(f"{shown or path}: no fiche could be read ({name}: {reason}).")
        for name, reason in report.errors:
            sys.stderr.write(f"{name}: {reason}\n")


def fetch(url: str, destination: Path, timeout: float = 120) -> None:
    """Copy ``url`` (https, http or file) to ``destination``."""
    if not url.startswith(("https://", "http://", "file://")):
        raise OSError(f"unsupported address {url!r}")
    with (
        urllib.request.urlopen(url, timeout=timeout) as response,  # noqa: S310  (checked above)
        destination.open("wb") as out,
    ):
        shutil.copyfileobj(response, out)
