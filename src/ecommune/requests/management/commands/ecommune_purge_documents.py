"""Delete residents' documents whose retention period is over, and the files of wizards left
unfinished for a day (run daily, e.g. a systemd timer)."""

from django.core.management.base import BaseCommand

from ecommune.requests.documents import purge_expired_documents
from ecommune.requests.wizard_files import purge_abandoned_files


class Command(BaseCommand):
    help = (
        "Delete the documents whose retention period is over and the files of wizards "
        "left unfinished for a day."
    )

    def handle(self, **options):
        count = purge_expired_documents()
        self.stdout.write(f"{count} document(s) deleted.")
        abandoned = purge_abandoned_files()
        self.stdout.write(f"{abandoned} file(s) of unfinished forms deleted.")
