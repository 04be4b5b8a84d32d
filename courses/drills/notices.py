"""Telling the lead trainers that a drill waits for their review (lms.notifications: the inbox
at once, e-mail by the workers once the transaction commits).

Once per review task started: a drill sent back with changes requested and submitted again is
a new task state, so a new event. The drill's authors are not told (they may not approve it,
`is_drill_author`), nor leavers (`notify`).
"""

from __future__ import annotations

from django.urls import reverse
from wagtail.models import TaskState

from courses.drills.permissions import drill_author_ids
from courses.models.reviews import DrillReviewTask
from courses.notifications import DRILL_REVIEW
from lms.models.accounts import User
from lms.notifications.services import notify


def reviewers_of(task: DrillReviewTask, drill, *, submitted_by=None):
    """The active members of the review task's groups, except the drill's authors and
    whoever submitted it."""
    authors = drill_author_ids(drill)
    if submitted_by is not None:
        authors.add(submitted_by.pk)
    return (
        User.objects.filter(is_active=True, groups__in=task.groups.all())
        .exclude(pk__in=authors)
        .distinct()
        .select_related("profile")
    )


def review_requested_notify(*, task_state: TaskState, submitted_by=None) -> None:
    """Tell the drill's reviewers that it waits for them, with a link to its page in the
    admin, where they approve it or request changes."""
    task = task_state.task.specific
    if not isinstance(task, DrillReviewTask):
        return
    drill = task_state.workflow_state.content_object
    drill = getattr(drill, "specific", drill)
    submitted_by = submitted_by or task_state.workflow_state.requested_by
    notify(
        kind=DRILL_REVIEW,
        people=list(reviewers_of(task, drill, submitted_by=submitted_by)),
        key=f"task_state:{task_state.pk}",
        template="courses/email/drill_review",
        context={
            "title": drill.title,
            "by": submitted_by.display_name if submitted_by is not None else "",
        },
        link=reverse("wagtailadmin_pages:edit", args=[drill.pk]),
    )
