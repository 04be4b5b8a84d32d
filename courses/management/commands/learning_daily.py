"""The daily learning run: rule enrolments and reminders. Safe to run twice."""

from django.core.management.base import BaseCommand

from courses.learning.tasks import daily_learning_run


class Command(BaseCommand):
    help = (
        "Enrol the people that assignment rules now match and send due-soon and overdue "
        "reminders. Run it once a day; running it again sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the run for a task worker instead of running it here.",
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = daily_learning_run.enqueue()
            self.stdout.write(f"Queued: {result.id}")
            return
        counts = daily_learning_run.call()
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['enrolled']} new enrolments from rules, "
                f"{counts['reminders']} reminders sent."
            )
        )
