"""Fill a fresh database with a quarter's assessment data: `manage.py generate_bench_data`."""

import time

from django.core.management.base import BaseCommand, CommandError

from assessments.demo import bench
from lms.models.accounts import StaffProfile


class Command(BaseCommand):
    help = (
        "Generate a realistic assessment cycle's data set (at --staff 50000: 1,000,000 quiz "
        "attempts, 500,000 surveys, 100,000 complaints, 600,000 efficiency rows and 100,000 "
        f"evaluations) and the cycle '{bench.CYCLE_NAME}'. For a freshly migrated "
        "database only: never run it on real data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--staff", type=int, default=50_000, help="How many people.")
        parser.add_argument("--seed", type=int, default=2026, help="The random seed.")

    def handle(self, *args, staff, seed, verbosity, **options):
        if staff < 1:
            raise CommandError("--staff must be at least 1.")
        if StaffProfile.objects.exists():
            raise CommandError(
                "This database already has staff: generate_bench_data only fills a freshly "
                "migrated database."
            )
        started = time.monotonic()

        def log(text: str) -> None:
            if verbosity > 1:
                self.stderr.write(f"{time.monotonic() - started:6.1f} s  {text}")

        data = bench.generate(staff, seed=seed, log=log)
        self.stdout.write(
            self.style.SUCCESS(
                f"{data.staff:,} staff in {data.org_units:,} org units; {data.attempts:,} "
                f"attempts at {data.quizzes} quizzes, {data.surveys:,} surveys, "
                f"{data.complaints:,} complaints, {data.efficiency:,} efficiency rows, "
                f"{data.evaluations:,} evaluations; cycle '{bench.CYCLE_NAME}' "
                f"({data.starts_on} to {data.ends_on}) in {time.monotonic() - started:.1f} s."
            )
        )
