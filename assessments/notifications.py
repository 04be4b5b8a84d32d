"""The kinds of notification of assessments (lms.notifications), registered when the app is
ready."""

from django.utils.translation import gettext_lazy as _

from lms.notifications.registry import DINGTALK, EMAIL, INBOX, WECOM, Kind, register
from lms.roles import HR_ROLES

CERTIFICATES_EXPIRING = "certificates.expiring"
CERTIFICATES_EXPIRING_HR = "certificates.expiring_hr"
IMPORT_FINISHED = "imports.finished"
APPEAL_ANSWERED = "appeals.answered"
RESULTS_PUBLISHED = "results.published"
CERTIFICATES_ISSUED = "certificates.issued"


def register_kinds() -> None:
    register(
        Kind(
            CERTIFICATES_EXPIRING,
            _("Your certificates expire soon"),
            (INBOX, EMAIL, DINGTALK, WECOM),
            _("The holder"),
        )
    )
    register(
        Kind(
            CERTIFICATES_EXPIRING_HR,
            _("Certificates of the staff expire soon"),
            (INBOX, EMAIL),
            _("HR"),
            roles=HR_ROLES,
        )
    )
    register(
        Kind(
            IMPORT_FINISHED,
            _("An import you confirmed finished or failed"),
            (INBOX, EMAIL),
            _("HR who confirmed it"),
            roles=HR_ROLES,
        )
    )
    register(
        Kind(
            APPEAL_ANSWERED,
            _("Your appeal was answered"),
            (INBOX, EMAIL, DINGTALK, WECOM),
            _("The person who appealed"),
            # HR's answer is not for the group chat.
            private=True,
        )
    )
    register(
        Kind(
            RESULTS_PUBLISHED,
            _("Your assessment result is final"),
            (INBOX, EMAIL, DINGTALK, WECOM),
            _("Each person with a result in the cycle"),
        )
    )
    register(
        Kind(
            CERTIFICATES_ISSUED,
            _("You were issued a certificate"),
            (INBOX, EMAIL, DINGTALK, WECOM),
            _("The holder"),
        )
    )
