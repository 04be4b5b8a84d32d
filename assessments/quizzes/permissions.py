"""Who may take a quiz now, see its attempts and grade them.

Attempts follow the staff-visibility rule of the person who made them (`lms.permissions`):
`attempt_rule.readable` for lists beside `can_read` for one attempt. The learner works only
on their own; trainers, HR and administrators read the results and grade the essays of the
people they see, never their own.

Regrading a question re-scores the submitted answers of everyone who answered it, so it is
allowed to those who may change questions and whose staff scope covers every one of those
people (`regrade_rule`): a trainer regrades a question only their units answered; a question
shared across the company takes an administrator.
"""

from __future__ import annotations

import datetime

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessments.models.quizzes import Attempt, AttemptItem, AttemptState, QuizPage
from lms.permissions import StaffVisibility, person_visibility
from lms.roles import MANAGERS, has_role

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


# Attempts -------------------------------------------------------------------------------


class AttemptRule:
    def readable(self, user) -> Q:
        return person_visibility.q(user)

    def can_read(self, user, attempt: Attempt) -> bool:
        return person_visibility.allows(user, attempt.user.profile)

    def can_answer(self, user, attempt: Attempt) -> bool:
        """Only the person taking it answers, submits and reviews an attempt."""
        return attempt.user_id == user.pk

    def can_grade(self, user, attempt: Attempt) -> bool:
        """Those who may read it, but never the person who made it."""
        return attempt.user_id != user.pk and self.can_read(user, attempt)


attempt_rule = AttemptRule()


def visible_attempts(user):
    return Attempt.objects.filter(attempt_rule.readable(user))


def may_grade(user, item: AttemptItem) -> bool:
    return attempt_rule.can_grade(user, item.attempt)


# Regrading -------------------------------------------------------------------------------

_answer_visibility = StaffVisibility(via="attempt__user__profile")


class RegradeRule:
    """Who may regrade the past answers to a question: `outside` is the queryset of the
    submitted answers that `user` may not re-score, `can_regrade` the answer for one question."""

    def outside(self, user, question):
        answers = AttemptItem.objects.filter(version__question=question).exclude(
            attempt__state=AttemptState.IN_PROGRESS
        )
        visible = _answer_visibility.q(user)
        if not visible:  # an empty filter: the user sees everyone
            return answers.none()
        return answers.exclude(visible)

    def can_regrade(self, user, question) -> bool:
        if not user.has_perm("assessments.change_question"):
            return False
        return not self.outside(user, question).exists()


regrade_rule = RegradeRule()


def may_regrade(user, question) -> bool:
    return regrade_rule.can_regrade(user, question)


def may_read_results(user) -> bool:
    """Trainers, HR and administrators read quiz results, item analysis and the grading
    queue (of the people they see)."""
    return has_role(user, *MANAGERS)


def _local(when) -> str:
    return date_format(timezone.localtime(when), "DATETIME_FORMAT")
