"""Issue a finalised cycle's certificates and render them:
`manage.py issue_certificates --cycle NAME [--org-unit PATH]`."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessments import certificate_selectors as selectors
from assessments.certificate_pdf import certificate_render
from assessments.certificates import certificates_issue_for_cycle
from assessments.models import CycleState
from lms.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Issue the assessment certificates of the finalised cycle NAME to everyone eligible "
        "who holds none yet (or only those in an org unit and below it), then render them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cycle", required=True, metavar="NAME", help="The cycle's name.")
        parser.add_argument(
            "--org-unit",
            metavar="PATH",
            help='Only this org unit and below: its code, or its names separated by "/" '
            '(e.g. "华东区/浦东站").',
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, cycle, org_unit, no_progress, **options):
        name = cycle
        cycle = selectors.find_cycle(name)
        if cycle is None:
            raise CommandError(f"{name}: no such assessment cycle.")
        if cycle.state != CycleState.FINALISED:
            raise CommandError(f"{name}: certificates are issued only for a finalised cycle.")
        unit = None
        if org_unit:
            unit = selectors.find_org_unit(org_unit)
            if unit is None:
                raise CommandError(f"{org_unit}: no such org unit (give its code or path).")
        users = None
        if unit is not None:
            users = list(
                selectors.eligible_without_certificate(cycle, unit).values_list(
                    "user_id", flat=True
                )
            )
        bar = None if no_progress else ProgressBar(f"{name}: issuing", self.stderr)
        # Issued and rendered in one transaction, for a progress bar of the rendering: the
        # renders the issuing asks for once it commits find the certificates rendered.
        try:
            with transaction.atomic():
                issued = (
                    certificates_issue_for_cycle(cycle=cycle, by=None, users=users)
                    if users is None or users
                    else []
                )
                for done, certificate in enumerate(issued, 1):
                    certificate_render(certificate)
                    if bar:
                        bar(100 * done // len(issued))
        except ValidationError as error:
            raise CommandError(f"{name}: {' '.join(error.messages)}") from error
        if not issued:
            self.stdout.write(f"{name}: everyone eligible holds a certificate already.")
            return
        seconds = bar.done() if bar else 0
        took = f" ({seconds:.1f} s)" if seconds else ""
        self.stdout.write(
            self.style.SUCCESS(f"{name}: {len(issued)} certificates issued and rendered{took}.")
        )
