"""Import a roster, surveys, complaints, efficiency metrics or teamwork evaluations."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.imports import importing
from assessments.models.metrics import ImportKind
from lms.platform.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Import FILE (CSV in UTF-8 or GB18030, or XLSX; Chinese or English headers) of the given "
        "KIND. The whole file is checked; on any error nothing is written, every problem is "
        "listed on standard error and the exit status is 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and say what it would change; write nothing.",
        )
        parser.add_argument(
            "--full-roster",
            action="store_true",
            help="Roster only: mark everyone missing from the file as having left.",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, kind, file, dry_run, full_roster, no_progress, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        bar = None if no_progress else ProgressBar(path.name, self.stderr)
        with path.open("rb") as stream:
            batch, outcome = importing.import_file(
                kind=kind,
                name=path.name,
                stream=stream,
                dry_run=dry_run,
                full_roster=full_roster,
                on_progress=bar,
            )
        seconds = bar.done() if bar else 0
        for problem in outcome.problems:
            self.stderr.write(problem.message)
        if outcome.problem_count > len(outcome.problems):
            self.stderr.write(f"... and {outcome.problem_count - len(outcome.problems)} more.")
        summary = (
            f"{outcome.rows} rows: {outcome.created} new, {outcome.updated} updated, "
            f"{outcome.unchanged} unchanged, {outcome.rejected} rejected"
        )
        if full_roster:
            summary += f", {outcome.left} marked as left"
        if seconds:
            summary += f" ({seconds:.1f} s)"
        if not outcome.ok:
            raise CommandError(f"{file}: nothing imported ({outcome.problem_count} problems).")
        if dry_run:
            self.stdout.write(f"Dry run, nothing written. {summary}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported (#{batch.pk}). {summary}."))
