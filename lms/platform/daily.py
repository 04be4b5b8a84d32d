"""The management command of a daily run: run here, as if on a given day (`--on`), or queued
for a task worker (`--enqueue`). Each run is safe to repeat."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError


class DailyRunCommand(BaseCommand):
    """Subclasses name the run's `task` (queued by --enqueue) and say, in `run`, what a run
    on a day did."""

    task = None

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
            result = self.task.enqueue()
            self.stdout.write(f"Queued: {result.id}")
            return
        day = None
        if on:
            try:
                day = datetime.date.fromisoformat(on)
            except ValueError as error:
                raise CommandError(f"--on: not a date (YYYY-MM-DD): {on}") from error
        self.stdout.write(self.style.SUCCESS(self.run(day)))

    def run(self, day: datetime.date | None) -> str:
        """Run for `day` (None: today); the line that says what was done."""
        raise NotImplementedError
