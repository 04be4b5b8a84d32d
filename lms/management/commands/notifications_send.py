"""Deliver the notifications that are due: retries after a failure, messages held back by the
quiet hours. Run from cron every few minutes (see deploy/README.md)."""

from django.core.management.base import BaseCommand

from lms.notifications import delivery


class Command(BaseCommand):
    help = "Deliver the notifications that are due (retries, the end of the quiet hours)."

    def handle(self, *args, **options):
        sent = delivery.deliver_due()
        self.stdout.write(f"{sent} delivered")
