"""`manage.py recover_jobs`: take up again, or give up, the background tasks whose worker is
gone (their lease ran out). Every worker does it on its loop; this is for cron, when no worker
may be running."""

from django.core.management.base import BaseCommand

from lms.platform import jobs


class Command(BaseCommand):
    help = "Queue again (or mark failed) the tasks whose worker stopped renewing its lease."

    def handle(self, *args, **options):
        found = jobs.recover()
        for item in found:
            outcome = "queued again" if item.requeued else "given up"
            self.stdout.write(f"{item.task_id} {item.kind}: {outcome} (attempts: {item.attempts})")
        if options["verbosity"] > 0:
            self.stdout.write(f"{len(found)} task(s) recovered.")
