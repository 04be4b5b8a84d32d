"""Print a cycle's certificates (or a branch's) as one PDF:
`manage.py print_certificates --cycle NAME [--org-unit PATH] --out FILE.pdf`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.certificates import selectors
from assessments.certificates.printing import print_filters
from assessments.certificates.services import print_now
from assessments.management.cycle_options import add_cycle_options, cycle_and_unit
from lms.platform.progress import ProgressBar, took


class Command(BaseCommand):
    help = (
        "Join the stored PDFs of the cycle NAME's certificates in force (or those of an org "
        "unit and below it) into one PDF for the printer, by org unit then employee number."
    )

    def add_arguments(self, parser):
        add_cycle_options(parser)
        parser.add_argument("--out", required=True, metavar="FILE.pdf", help="Where to write.")

    def handle(self, *args, cycle, org_unit, out, no_progress, **options):
        name = cycle
        cycle, unit = cycle_and_unit(name, org_unit)
        certificates = list(selectors.certificates_for_print(cycle=cycle, unit=unit))
        if not certificates:
            raise CommandError(f"{name}: nothing to print (no certificate in force).")
        path = Path(out)
        if not path.parent.is_dir():
            raise CommandError(f"{out}: no such folder.")
        bar = None if no_progress else ProgressBar(f"{name}: printing", self.stderr)
        partial = path.with_name(path.name + ".part")
        try:
            with partial.open("wb") as file:
                count = print_now(
                    certificates=certificates,
                    out=file,
                    filters=print_filters(cycle=cycle, unit=unit),
                    on_progress=bar,
                )
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(self.style.SUCCESS(f"{path}: {count} certificates{took(bar)}."))
