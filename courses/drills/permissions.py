"""Who may publish drills: a trainer writes one and submits it for review; a lead trainer
(or an administrator) approves and publishes it."""

from __future__ import annotations

from wagtail.models import PagePermissionTester

from lms.roles import Role, has_role


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
