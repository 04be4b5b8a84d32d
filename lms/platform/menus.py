"""Wagtail admin menu items for the pages outside Wagtail that managers use."""

from wagtail.admin.menu import MenuItem

from lms.roles import MANAGERS, has_role


class ManagerMenuItem(MenuItem):
    """Shown to trainers, HR and administrators."""

    def is_shown(self, request):
        return has_role(request.user, *MANAGERS)
