"""Who may take a quiz now, see its attempts and grade them."""

from __future__ import annotations

import datetime

from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessments.models.quizzes import Attempt, AttemptItem, AttemptState, QuizPage
from lms.permissions import person_visibility

# An answer sent this long after the deadline still counts: it left the phone in time.
GRACE = datetime.timedelta(seconds=5)


# Starting -----------------------------------------------------------------------


def quiz_unavailable_reason(quiz: QuizPage, user, *, now=None) -> str | None:
    """Why `user` cannot start a new attempt now, or None if they can."""
    now = now or timezone.now()
    if quiz.opens_at and now < quiz.opens_at:
        return _("This quiz opens on %(when)s.") % {"when": _local(quiz.opens_at)}
    if quiz.closes_at and now >= quiz.closes_at:
        return _("This quiz closed on %(when)s.") % {"when": _local(quiz.closes_at)}
    done = Attempt.objects.filter(quiz=quiz, user=user).exclude(state=AttemptState.IN_PROGRESS)
    if quiz.attempts_allowed and done.count() >= quiz.attempts_allowed:
        return _("You have used all %(n)d attempts.") % {"n": quiz.attempts_allowed}
    last = done.aggregate(last=Max("submitted_at"))["last"]
    if quiz.wait_minutes and last:
        ready = last + datetime.timedelta(minutes=quiz.wait_minutes)
        if now < ready:
            return _("You can try again from %(when)s.") % {"when": _local(ready)}
    return None


def visible_attempts(user):
    return Attempt.objects.filter(person_visibility.q(user))


def may_grade(user, item: AttemptItem) -> bool:
    if item.attempt.user_id == user.pk:
        return False
    return person_visibility.allows(user, item.attempt.user.profile)


def _local(when) -> str:
    return date_format(timezone.localtime(when), "DATETIME_FORMAT")
