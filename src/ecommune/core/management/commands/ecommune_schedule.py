"""The scheduler process: runs every periodic job on its cron schedule (APScheduler).

One process for the whole install (``deploy/systemd/ecommune-schedule.service``): with
several app servers, run it on one of them only. On start it registers the jobs and runs
at once those that went unrun for longer than their period (the machine was down).
"""

import contextlib
import signal
import zoneinfo

from django.conf import settings
from django.core.management.base import BaseCommand

from ecommune.core import periodic


class Command(BaseCommand):
    help = "Run the periodic jobs on their schedule (one process per install)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--threads",
            type=int,
            choices=range(1, 17),
            default=4,
            metavar="1-16",
            help="How many jobs may run at the same time (4).",
        )

    def handle(self, *args, threads, **options):
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.blocking import BlockingScheduler
        from apscheduler.triggers.cron import CronTrigger

        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        scheduler = BlockingScheduler(
            timezone=zone, executors={"default": ThreadPoolExecutor(threads)}
        )
        jobs = periodic.jobs()
        periodic.register(jobs)
        for job in jobs:
            scheduler.add_job(
                periodic.run_in_thread,
                CronTrigger.from_crontab(job.cron, timezone=zone),
                args=[job],
                id=job.name,
                name=job.name,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=300,
            )
            if periodic.overdue(job):
                # Catch up now, as systemd's Persistent=true timers do after a downtime.
                scheduler.add_job(periodic.run_in_thread, args=[job], id=f"{job.name}-catch-up")
        self.stdout.write(
            f"ecommune schedule: {len(jobs)} jobs ({', '.join(job.name for job in jobs)})."
        )

        def stop(signum, frame):
            scheduler.shutdown(wait=True)

        signal.signal(signal.SIGTERM, stop)
        with contextlib.suppress(KeyboardInterrupt):
            scheduler.start()
