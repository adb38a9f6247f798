"""Tell ANTS of the appointments whose declaration is due; run it every 10 minutes (a
systemd timer, see docs/it-team/appointments.md)."""

from django.core.management.base import BaseCommand

from ecommune.appointments.ants_declarations import sync_due


class Command(BaseCommand):
    help = (
        "Declare to ANTS's anti-duplicate API the appointments of the pre-demand numbers "
        "whose declaration is due (new, moved, cancelled, or failed before)."
    )

    def handle(self, *args, **options):
        counts = sync_due()
        self.stdout.write(
            f"{counts['in_step']} in step, {counts['failed']} failed (tried again later), "
            f"{counts['skipped']} without ANTS set up."
        )
