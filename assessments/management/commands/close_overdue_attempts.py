"""Submit every open attempt whose deadline has passed. Run it every minute or so."""

from django.core.management.base import BaseCommand

from assessments.quizzes.services import attempts_close_overdue


class Command(BaseCommand):
    help = (
        "Submit and grade, with the answers saved by then, every quiz attempt whose deadline "
        "has passed. Safe to run often and on several machines."
    )

    def handle(self, *args, **options):
        closed = attempts_close_overdue()
        self.stdout.write(self.style.SUCCESS(f"{closed} overdue attempts submitted."))
