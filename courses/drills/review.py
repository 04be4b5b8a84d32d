"""Drills are reviewed before they are published: the review workflow, and the version of
the rubric kept with every publication."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from wagtail.models import WorkflowPage

from courses.models.live import RubricVersion

WORKFLOW_NAME = "演练审核"  # data, in the company's language, as the admin shows it


TASK_NAME = "主培训师审批"


def review_workflow():
    """The drill review workflow (created by a migration), or None if it was removed."""
    from wagtail.models import Workflow

    return Workflow.objects.filter(name=WORKFLOW_NAME).first()


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


def current_rubric_version(drill):
    """The last published rubric version of a drill (None before it is first published)."""
    return drill.rubric_versions.order_by("-number").first()
