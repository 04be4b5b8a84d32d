"""Drills are reviewed before they are published (issue 6).

A trainer writes a drill and submits it to the "演练审核" (drill review) workflow; a lead trainer
approves it (Wagtail then publishes it) or sends it back with a comment. Trainers may
publish the other pages, so for a drill the permission to publish is narrowed here: only
lead trainers and administrators have it (they approve; an administrator can also publish
directly, as for any page).

Each time a drill is published with a rubric that differs from its last version, a new
`RubricVersion` keeps it: sessions scheduled before keep scoring on the version they were
scheduled with.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from wagtail.models import PagePermissionTester, WorkflowPage

from lms.roles import Role, has_role

WORKFLOW_NAME = "演练审核"  # data, in the company's language, as the admin shows it
TASK_NAME = "主培训师审批"


class DrillPermissionTester(PagePermissionTester):
    def can_publish(self):
        return super().can_publish() and may_publish_drills(self.user)

    def can_unpublish(self):
        return super().can_unpublish() and may_publish_drills(self.user)


class DrillIndexPermissionTester(PagePermissionTester):
    """The drill index: a new drill written under it is published only by those who may
    publish drills (the admin's create form offers "Publish" from this)."""

    def can_publish_subpage(self):
        return super().can_publish_subpage() and may_publish_drills(self.user)


def may_publish_drills(user) -> bool:
    return user.is_superuser or has_role(user, Role.LEAD_TRAINER, Role.ADMINISTRATOR)


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
    from courses.models import RubricVersion

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
