"""Telling learners that a course was given to them (lms.notifications: the inbox at once,
e-mail and the group robots by the workers once the transaction commits).

Once per assignment and person: the key is the assignment, so the daily run of a rule tells
only the people it enrols that day, and a course given again (an expired certificate, a
retraining rule's cause) is a new assignment, so a new event. A course someone starts of
their own choice is not announced; leavers are not told (`notify_each`).

A new member of staff's onboarding path is told in one message, not one per course: the
courses in their order, each with its due date, and a link to My learning.
"""

from __future__ import annotations

import datetime

from django.urls import reverse

from courses.models.learning import Assignment
from courses.models.pages import CoursePage
from courses.notifications import COURSE_ASSIGNED
from lms.models.accounts import User
from lms.notifications.services import Recipient, notify, notify_each

BATCH = 500


def assigned_notify(
    *, assignment: Assignment, course, due: dict[int, datetime.date | None]
) -> None:
    """Tell each person in `due` (user id: their due date, or None) that `assignment` gave
    them `course`: its title, the due date, why (when a cause gave it) and a link to it.
    A few queries per 500 people, whatever their number."""
    if not due:
        return
    reason = assignment.reason
    context = {
        "title": course.title,
        "reason": reason,
        "note": assignment.note if assignment.note != reason else "",
        "focus": assignment.focus_page.title if assignment.focus_page_id else "",
    }
    link = course.get_url() or "/learning/"
    ids = sorted(due)
    recipients = []
    for start in range(0, len(ids), BATCH):
        people = User.objects.filter(pk__in=ids[start : start + BATCH]).select_related("profile")
        recipients += [
            Recipient(person, link, {**context, "due_on": due[person.pk]}) for person in people
        ]
    notify_each(
        kind=COURSE_ASSIGNED,
        key=f"assignment:{assignment.pk}",
        recipients=recipients,
        template="courses/email/course_assigned",
    )


def onboarding_notify(*, profile, path: list[tuple[CoursePage, datetime.date]]) -> None:
    """Tell a new member of staff (`profile`) the onboarding courses just given to them,
    `path`: (course, due date) in the path's order. Once per hire date: someone hired
    again is told their path again."""
    if not path:
        return
    notify(
        kind=COURSE_ASSIGNED,
        key=f"onboarding:{profile.hire_date.isoformat()}",
        people=[profile.user],
        template="courses/email/onboarding",
        context={
            "courses": [{"title": course.title, "due_on": due} for course, due in path],
            "count": len(path),
        },
        link=reverse("learning:my_learning"),
    )
