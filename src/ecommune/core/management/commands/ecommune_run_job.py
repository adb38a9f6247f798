"""Run one periodic job now and record its run (the scheduler does the same on its clock)."""

import sys

from django.core.management.base import BaseCommand

from ecommune.core import command_arguments as arguments
from ecommune.core import periodic
from ecommune.core.command_arguments import bad_input, shown


class Command(BaseCommand):
    help = "Run a periodic job now (outbox, purge-documents, ...) and record its run; --list."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", type=arguments.text(100))
        parser.add_argument("--list", action="store_true", help="List the jobs and exit.")

    def handle(self, name, list, **options):
        if list or not name:
            for job in periodic.jobs():
                self.stdout.write(f"{job.name:24} {job.cron:16} {job.command_line()}")
            return
        try:
            job = periodic.get_job(name)
        except KeyError:
            names = ", ".join(job.name for job in periodic.jobs())
            raise bad_input(f"No periodic job named {shown(name)}; the jobs: {names}.") from None
        if not periodic.run(job):
            from ecommune.core.models import PeriodicJobRun

            record = PeriodicJobRun.objects.get(name=job.name)
            sys.stderr.write(record.last_output)
            sys.exit(1)
        from ecommune.core.models import PeriodicJobRun

        self.stdout.write(PeriodicJobRun.objects.get(name=job.name).last_output, ending="")
