"""Reads of drills: the review workflow, and the rubric a drill was last published with."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from wagtail.models import Page, Revision, TaskState, Workflow

from courses.drills.permissions import may_publish_drills
from courses.models.live import DrillPage
from courses.models.reviews import DrillReviewTask

WORKFLOW_NAME = "演练审核"  # data, in the company's language, as the admin shows it


def review_workflow() -> Workflow | None:
    """The drill review workflow (created by a migration), or None if it was removed."""
    return Workflow.objects.filter(name=WORKFLOW_NAME).first()


def current_rubric_version(drill):
    """The last published rubric version of a drill (None before it is first published)."""
    return drill.rubric_versions.order_by("-number").first()


REVIEWS_SHOWN = 5


@dataclass(frozen=True)
class DrillReviews:
    count: int
    drills: list[tuple[int, str]]  # up to REVIEWS_SHOWN (page id, title), oldest request first


def drills_to_review(user) -> DrillReviews:
    """The drills whose review waits for `user`'s approval: the review task is in progress,
    `user` is in one of its groups and is not one of the drill's authors (the rule of
    `is_drill_author`, as a filter). Two queries, whatever the number of drills."""
    if not may_publish_drills(user):
        return DrillReviews(0, [])
    drill_pk = Cast(OuterRef("workflow_state__object_id"), output_field=IntegerField())
    drill = Page.objects.filter(pk=drill_pk)
    written = Revision.objects.filter(
        base_content_type_id=OuterRef("workflow_state__base_content_type_id"),
        object_id=OuterRef("workflow_state__object_id"),
        user_id=user.pk,
    )
    states = (
        TaskState.objects.filter(
            status=TaskState.STATUS_IN_PROGRESS,
            task__in=DrillReviewTask.objects.filter(groups__user=user).values("pk"),
            # A proxy: the same table as every group approval task, so the drills say it.
            workflow_state__content_type__app_label=DrillPage._meta.app_label,
            workflow_state__content_type__model=DrillPage._meta.model_name,
        )
        .exclude(workflow_state__requested_by_id=user.pk)
        .annotate(
            title=Subquery(drill.values("title")[:1]),
            owner=Subquery(drill.values("owner_id")[:1]),
            published_at=Subquery(drill.values("last_published_at")[:1]),
        )
        .filter(Q(owner__isnull=True) | ~Q(owner=user.pk))
        .exclude(Exists(written.filter(created_at__gt=OuterRef("published_at"))))
        .exclude(Q(published_at__isnull=True) & Exists(written))
        .order_by("started_at", "pk")
        .values_list("workflow_state__object_id", "title")
    )
    rows = list(states[:REVIEWS_SHOWN])
    return DrillReviews(states.count(), [(int(pk), title) for pk, title in rows])
