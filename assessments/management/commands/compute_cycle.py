"""Compute (or recompute) an assessment cycle: `manage.py compute_cycle NAME`."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessments.cycles.compute import cycle_compute
from assessments.models.cycles import AssessmentCycle
from lms.platform.progress import ProgressBar, took


class Command(BaseCommand):
    help = "Compute every person's five-part assessment for the cycle NAME."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The cycle's name.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, name, no_progress, **options):
        cycle = AssessmentCycle.objects.filter(name=name).first()
        if cycle is None:
            raise CommandError(f"{name}: no such assessment cycle.")
        bar = None if no_progress else ProgressBar(name, self.stderr)
        try:
            people = cycle_compute(cycle, on_progress=bar)
        except ValidationError as error:
            raise CommandError(f"{name}: {' '.join(error.messages)}") from error
        self.stdout.write(self.style.SUCCESS(f"{name}: {people} people assessed{took(bar)}."))
