"""Delete residents' documents whose retention period is over (run daily, e.g. a systemd timer)."""

from django.core.management.base import BaseCommand

from ecommune.requests.documents import purge_expired_documents


class Command(BaseCommand):
    help = "Delete the documents whose retention period is over."

    def handle(self, **options):
        count = purge_expired_documents()
        self.stdout.write(f"{count} document(s) deleted.")
