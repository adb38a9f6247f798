"""Delete residents' documents whose retention period is over, their drafts unchanged for
``ECOMMUNE_DRAFT_RETENTION_DAYS``, and the files of wizards left unfinished for a day (run
daily by the ``purge-documents`` job)."""

from django.core.management.base import BaseCommand

from ecommune.requests.documents import purge_expired_documents
from ecommune.requests.drafts import files_in_drafts, purge_old_drafts
from ecommune.requests.wizard_files import purge_abandoned_files


class Command(BaseCommand):
    help = (
        "Delete the documents whose retention period is over, the drafts kept past theirs, "
        "and the files of wizards left unfinished for a day."
    )

    def handle(self, **options):
        count = purge_expired_documents()
        self.stdout.write(f"{count} document(s) deleted.")
        drafts = purge_old_drafts()
        self.stdout.write(f"{drafts} draft(s) deleted.")
        abandoned = purge_abandoned_files(spared=files_in_drafts())
        self.stdout.write(f"{abandoned} file(s) of unfinished forms deleted.")
