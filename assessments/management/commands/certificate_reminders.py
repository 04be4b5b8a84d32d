"""The daily certificate run: expiry reminders, expired course certificates' courses given
again, old print jobs' PDFs removed, lost renderings queued again. Safe to run twice."""

from assessments.certificates.expiry import certificate_expiry_daily, certificate_expiry_run
from lms.platform.daily import DailyRunCommand


class Command(DailyRunCommand):
    help = (
        "Remind holders and HR of the certificates that expire soon, and give the course again "
        "to the holders of expired course certificates; remove the PDFs of print jobs older "
        "than LMS_PRINT_JOB_DAYS days; queue again the rendering of certificates still without "
        "a PDF an hour after their issue. Run it once a day; running it again sends nothing "
        "twice."
    )

    task = certificate_expiry_daily

    def run(self, day):
        counts = certificate_expiry_run(on=day)
        return (
            f"{counts['reminded']} certificates reminded of, "
            f"{counts['reassigned']} expired course certificates: course assigned again, "
            f"{counts['print_files_removed']} old print jobs' PDFs removed, "
            f"{counts['rendering_requeued']} lost renderings queued again."
        )
