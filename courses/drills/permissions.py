"""Who may publish drills: a trainer writes one and submits it for review; a lead trainer
(or an administrator) approves and publishes it, but never a drill they wrote.

Drills are the company's shared training content, so approval is not limited to a unit: any
lead trainer reviews any drill. What limits it is authorship: the drill's owner, whoever
submitted it for review and whoever wrote a revision since it was last published are its
authors (`is_drill_author`), and an author neither approves the review (the review task,
courses/models/reviews.py) nor publishes directly. A new drill therefore always goes through
the review: it is never published from the create form."""

from __future__ import annotations

from wagtail.models import PagePermissionTester

from lms.roles import Role, has_role


class DrillPermissionTester(PagePermissionTester):
    def can_publish(self):
        return super().can_publish() and may_approve_drill(self.user, self.page)

    def can_unpublish(self):
        return super().can_unpublish() and may_publish_drills(self.user)


class DrillIndexPermissionTester(PagePermissionTester):
    """The drill index: a new drill written under it is never published from the create
    form (whoever writes it is its author); it is submitted for review."""

    def can_publish_subpage(self):
        return False


def may_publish_drills(user) -> bool:
    return user.is_superuser or has_role(user, Role.LEAD_TRAINER, Role.ADMINISTRATOR)


def is_drill_author(user, drill) -> bool:
    """Whether `user` wrote `drill` as it stands for review: its owner, the person who
    submitted the review in progress, or the writer of a revision since it was last published."""
    if not getattr(user, "is_authenticated", False):
        return False
    if drill.owner_id == user.pk:
        return True
    state = drill.workflow_states.filter(status="in_progress").only("requested_by_id").first()
    if state is not None and state.requested_by_id == user.pk:
        return True
    revisions = drill.revisions.filter(user_id=user.pk)
    if drill.last_published_at is not None:
        revisions = revisions.filter(created_at__gt=drill.last_published_at)
    return revisions.exists()


def drill_author_ids(drill) -> set[int]:
    """The ids of everyone `is_drill_author` names, at once (for telling the reviewers, who
    are everyone in the review's groups but these): three queries, however many people."""
    ids = {drill.owner_id}
    ids.update(
        drill.workflow_states.filter(status="in_progress").values_list(
            "requested_by_id", flat=True
        )
    )
    revisions = drill.revisions.all()
    if drill.last_published_at is not None:
        revisions = revisions.filter(created_at__gt=drill.last_published_at)
    ids.update(revisions.order_by().values_list("user_id", flat=True).distinct())
    ids.discard(None)
    return ids


def may_approve_drill(user, drill) -> bool:
    """A lead trainer or an administrator who is not one of the drill's authors."""
    return may_publish_drills(user) and not is_drill_author(user, drill)
