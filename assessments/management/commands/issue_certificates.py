"""Issue a finalised cycle's certificates and render them:
`manage.py issue_certificates --cycle NAME [--org-unit PATH]`."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessments.certificates import selectors
from assessments.certificates.pdf import certificates_render, render_batches
from assessments.certificates.services import certificates_issue_for_cycle
from assessments.management.cycle_options import add_cycle_options, cycle_and_unit
from assessments.models.cycles import CycleState
from lms.platform.progress import ProgressBar, took


class Command(BaseCommand):
    help = (
        "Issue the assessment certificates of the finalised cycle NAME to everyone eligible "
        "who holds none yet (or only those in an org unit and below it), then render them."
    )

    def add_arguments(self, parser):
        add_cycle_options(parser)

    def handle(self, *args, cycle, org_unit, no_progress, **options):
        name = cycle
        cycle, unit = cycle_and_unit(name, org_unit)
        if cycle.state != CycleState.FINALISED:
            raise CommandError(f"{name}: certificates are issued only for a finalised cycle.")
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
                done = 0
                for batch in render_batches(issued):
                    certificates_render(batch)
                    done += len(batch)
                    if bar:
                        bar(100 * done // len(issued))
        except ValidationError as error:
            raise CommandError(f"{name}: {' '.join(error.messages)}") from error
        if not issued:
            self.stdout.write(f"{name}: everyone eligible holds a certificate already.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{name}: {len(issued)} certificates issued and rendered{took(bar)}."
            )
        )
