"""Writes of drills: a new drill index put through the review workflow (a lead trainer
approves each drill before it is published), and the rubric kept as a version with every
publication."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from wagtail.models import WorkflowPage

from courses.drills.selectors import review_workflow
from courses.models.live import RubricVersion


def drill_index_reviewed(index_page) -> None:
    """Put the drills under `index_page` through the review workflow."""
    workflow = review_workflow()
    if workflow is not None:
        WorkflowPage.objects.get_or_create(page=index_page, defaults={"workflow": workflow})


@transaction.atomic
def rubric_version_record(drill):
    """Keep the drill's published rubric as a new version if it differs from the last."""
    rubric = drill.rubric_data()
    digest = rubric.digest()
    versions = RubricVersion.objects.select_for_update().filter(drill=drill)
    last = versions.order_by("-number").first()
    if last is not None and last.digest == digest:
        return last
    number = (versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return RubricVersion.objects.create(
        drill=drill,
        drill_title=drill.title,
        number=number,
        criteria=rubric.to_json(),
        digest=digest,
    )
