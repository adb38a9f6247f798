"""Check a deployment: one line per check; exit status 1 when something is wrong."""

import sys

from django.core.management.base import BaseCommand

from ecommune.core import command_arguments as arguments
from ecommune.core.doctor import ERROR, OK, WARNING, run_checks

MARKS = {OK: "[ OK ]", WARNING: "[WARN]", ERROR: "[FAIL]"}


class Command(BaseCommand):
    help = (
        "Check the deployment: database, migrations, task worker, email, SMS, storage, "
        "Django's deploy check."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--worker-timeout",
            type=arguments.number(0, 3600),
            default=None,
            help="Seconds to wait for a worker to run the test task.",
        )

    def handle(self, worker_timeout, **options):
        results = run_checks(worker_timeout)
        styles = {OK: self.style.SUCCESS, WARNING: self.style.WARNING, ERROR: self.style.ERROR}
        for result in results:
            self.stdout.write(
                styles[result.status](f"{MARKS[result.status]} {result.name} : {result.message}")
            )
        if any(result.status == ERROR for result in results):
            sys.exit(1)
