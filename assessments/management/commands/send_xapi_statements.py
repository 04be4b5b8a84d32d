"""Send the learning records (xAPI statements) that are due to the Learning Record Store: the
periodic re-send of what it did not take. Safe to run often, twice, or on two machines."""

from django.core.management.base import BaseCommand

from assessments.xapi.sending import configured, statements_send
from assessments.xapi.services import statements_retry_now
from assessments.xapi.tasks import send_statements


class Command(BaseCommand):
    help = (
        "Send the xAPI statements waiting in the outbox whose next try is due (the Learning "
        "Record Store was down or refused them) to LMS_XAPI_ENDPOINT. Run it every few "
        "minutes; nothing is ever sent twice to the LRS's store."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            action="store_true",
            help="Try every statement not yet sent now, whatever its next try says "
            "(the LRS is back).",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the run for a task worker instead of running it here.",
        )

    def handle(self, *args, now=False, enqueue=False, **options):
        if not configured():
            self.stdout.write("No Learning Record Store is configured (LMS_XAPI_ENDPOINT).")
            return
        if now:
            statements_retry_now(queue=False)
        if enqueue:
            result = send_statements.enqueue()
            self.stdout.write(f"Queued: {result.id}")
            return
        report = statements_send()
        style = self.style.SUCCESS if not report.failed else self.style.WARNING
        self.stdout.write(
            style(
                f"{report.sent} statements sent, {report.failed} kept for a later try, "
                f"{report.waiting} waiting in all."
            )
        )
