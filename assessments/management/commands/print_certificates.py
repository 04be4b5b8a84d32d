"""Print a cycle's certificates (or a branch's) as one PDF:
`manage.py print_certificates --cycle NAME [--org-unit PATH] --out FILE.pdf`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments import certificate_selectors as selectors
from assessments.printing import print_filters, print_now
from lms.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Join the stored PDFs of the cycle NAME's certificates in force (or those of an org "
        "unit and below it) into one PDF for the printer, by org unit then employee number."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cycle", required=True, metavar="NAME", help="The cycle's name.")
        parser.add_argument(
            "--org-unit",
            metavar="PATH",
            help='Only this org unit and below: its code, or its names separated by "/" '
            '(e.g. "华东区/浦东站").',
        )
        parser.add_argument("--out", required=True, metavar="FILE.pdf", help="Where to write.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, cycle, org_unit, out, no_progress, **options):
        name = cycle
        cycle = selectors.find_cycle(name)
        if cycle is None:
            raise CommandError(f"{name}: no such assessment cycle.")
        unit = None
        if org_unit:
            unit = selectors.find_org_unit(org_unit)
            if unit is None:
                raise CommandError(f"{org_unit}: no such org unit (give its code or path).")
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
        seconds = bar.done() if bar else 0
        took = f" ({seconds:.1f} s)" if seconds else ""
        self.stdout.write(self.style.SUCCESS(f"{path}: {count} certificates{took}."))
