"""The roles' groups shown in the person's language in the Wagtail admin.

A role's group keeps its English name: roles are found by it (`lms.roles.roles_of`,
`lms.services`, the migrations). Only what is shown is translated: a group's `str()` (the
user form's role boxes, a workflow task's groups, the messages) is its role's label, and
the admin's list of groups (`GroupViewSet`, through `lms.platform.users_app`) shows it too.
A group that is not a role's is shown by its own name.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import TitleColumn
from wagtail.users.views import groups as wagtail_groups

from lms.roles import ROLE_LABELS, Role


def group_label(group: Group) -> str:
    """The group's name as the person reads it: its role's label, translated, or its name."""
    try:
        return str(ROLE_LABELS[Role(group.name)])
    except ValueError:
        return group.name


def translate_group_names() -> None:
    """Groups say their role's label wherever Django or Wagtail shows a group by `str()`."""
    Group.__str__ = group_label


class GroupIndexView(wagtail_groups.IndexView):
    columns = [
        TitleColumn(
            "name",
            label=_("Name"),
            accessor=group_label,
            sort_key="name",
            url_name="wagtailusers_groups:edit",
        ),
    ]


class GroupViewSet(wagtail_groups.GroupViewSet):
    index_view_class = GroupIndexView
