"""The daily certificate run: expiry reminders, expired course certificates' courses given
again, old print jobs' PDFs removed, lost renderings queued again. Safe to run twice."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from assessments.certificates.expiry import certificate_expiry_daily, certificate_expiry_run


class Command(BaseCommand):
    help = (
        "Remind holders and HR of the certificates that expire soon, and give the course again "
        "to the holders of expired course certificates; remove the PDFs of print jobs older "
        "than LMS_PRINT_JOB_DAYS days; queue again the rendering of certificates still without "
        "a PDF an hour after their issue. Run it once a day; running it again sends nothing "
        "twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--on",
            metavar="YYYY-MM-DD",
            help="Run as if today were this date (default: today).",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue today's run for a task worker instead of running it here.",
        )

    def handle(self, *args, on=None, enqueue=False, **options):
        if enqueue:
            if on:
                raise CommandError("--on and --enqueue cannot be used together.")
            result = certificate_expiry_daily.enqueue()
            self.stdout.write(f"Queued: {result.id}")
            return
        day = None
        if on:
            try:
                day = datetime.date.fromisoformat(on)
            except ValueError as error:
                raise CommandError(f"--on: not a date (YYYY-MM-DD): {on}") from error
        counts = certificate_expiry_run(on=day)
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['reminded']} certificates reminded of, "
                f"{counts['reassigned']} expired course certificates: course assigned again, "
                f"{counts['print_files_removed']} old print jobs' PDFs removed, "
                f"{counts['rendering_requeued']} lost renderings queued again."
            )
        )
