"""The drill review task: a lead trainer's approval, never the drill's own author's."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.models import GroupApprovalTask

from courses.drills.permissions import is_drill_author


class DrillReviewTask(GroupApprovalTask):
    """Wagtail's group approval (the lead trainers), except that whoever wrote the drill
    under review (its owner, the person who submitted it, the writer of any revision since it
    was last published) is offered no approval and cannot give one."""

    class Meta:
        proxy = True
        verbose_name = _("Drill review task")
        verbose_name_plural = _("Drill review tasks")

    def get_actions(self, obj, user):
        if is_drill_author(user, obj):
            return []
        return super().get_actions(obj, user)

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "approve" and is_drill_author(
            user, task_state.workflow_state.content_object
        ):
            raise PermissionDenied
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _("Lead trainers approve a drill; its author never does.")
