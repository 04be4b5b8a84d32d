"""The kinds of notification of training (lms.notifications), registered when the app is ready."""

from django.utils.translation import gettext_lazy as _

from lms.notifications.registry import DINGTALK, EMAIL, INBOX, WECOM, Kind, register
from lms.roles import Role

REMINDERS = "learning.reminders"
SESSION_PROMOTED = "sessions.promoted"
SESSION_CANCELLED = "sessions.cancelled"
# A place booked (or a place on the waiting list), the session moved, the day before.
SESSION_BOOKED = "sessions.booked"
SESSION_MOVED = "sessions.moved"
SESSION_REMINDER = "sessions.reminder"
COURSE_ASSIGNED = "learning.assigned"
DRILL_REVIEW = "drills.review"


def register_kinds() -> None:
    register(
        Kind(
            COURSE_ASSIGNED,
            _("A course was assigned to you"),
            (INBOX, EMAIL, DINGTALK, WECOM),
            _("The learner"),
            # Why a course was given (a complaint, a low score) is not for the group chat.
            private=True,
        )
    )
    register(
        Kind(
            REMINDERS,
            _("A course is due soon or overdue"),
            (INBOX, EMAIL, DINGTALK, WECOM),
            _("The learner"),
        )
    )
    register(
        Kind(
            SESSION_PROMOTED,
            _("A waiting-list place was freed for you in a session"),
            (INBOX, EMAIL, DINGTALK, WECOM),
            _("The person who was waiting"),
            urgent=True,
        )
    )
    register(
        Kind(
            SESSION_CANCELLED,
            _("A session you signed up for was cancelled"),
            (INBOX, EMAIL, DINGTALK, WECOM),
            _("Everyone signed up"),
            urgent=True,
        )
    )
    # A place booked, the session moved, the day before ------------------------------------
    register(
        Kind(
            SESSION_BOOKED,
            _("You signed up for a session: your place, or your place on the waiting list"),
            (INBOX, EMAIL, DINGTALK, WECOM),
            _("The person signed up"),
        )
    )
    register(
        Kind(
            SESSION_MOVED,
            _("A session you signed up for moved to another time or place"),
            (INBOX, EMAIL, DINGTALK, WECOM),
            _("Everyone signed up, and everyone waiting"),
            urgent=True,
        )
    )
    register(
        Kind(
            SESSION_REMINDER,
            _("A session you have a place in is tomorrow"),
            (INBOX, EMAIL, DINGTALK, WECOM),
            _("Everyone with a place"),
        )
    )
    register(
        Kind(
            DRILL_REVIEW,
            _("A drill is waiting for your review"),
            (INBOX, EMAIL),
            _("Lead trainers (not the drill's authors)"),
            roles=(Role.LEAD_TRAINER,),
        )
    )
