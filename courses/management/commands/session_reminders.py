"""The day-before reminders of live sessions. Safe to run twice."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from courses.sessions.notices import session_reminders_send
from courses.sessions.tasks import session_reminders_daily


class Command(BaseCommand):
    help = (
        "Remind everyone with a place in a session that starts tomorrow (the site's time "
        "zone). Run it once a day; running it again sends nothing twice."
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
            result = session_reminders_daily.enqueue()
            self.stdout.write(f"Queued: {result.id}")
            return
        day = None
        if on:
            try:
                day = datetime.date.fromisoformat(on)
            except ValueError as error:
                raise CommandError(f"--on: not a date (YYYY-MM-DD): {on}") from error
        reminded = session_reminders_send(on=day)
        message = f"{reminded} people reminded of tomorrow's sessions."
        self.stdout.write(self.style.SUCCESS(message))
