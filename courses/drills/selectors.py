"""Reads of drills: the review workflow, and the rubric a drill was last published with."""

from __future__ import annotations

from wagtail.models import Workflow

WORKFLOW_NAME = "演练审核"  # data, in the company's language, as the admin shows it


def review_workflow() -> Workflow | None:
    """The drill review workflow (created by a migration), or None if it was removed."""
    return Workflow.objects.filter(name=WORKFLOW_NAME).first()


def current_rubric_version(drill):
    """The last published rubric version of a drill (None before it is first published)."""
    return drill.rubric_versions.order_by("-number").first()
