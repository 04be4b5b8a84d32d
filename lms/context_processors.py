"""Template context every page needs: the navigation that fits the person's role."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lms.permissions import can_read_audit_log
from lms.roles import Role, roles_of


def navigation(request):
    user = getattr(request, "user", None)
    items = [{"label": _("Home"), "url": "/"}]
    if user is not None and user.is_authenticated:
        roles = roles_of(user)
        if roles & {Role.TRAINER, Role.HR, Role.ADMINISTRATOR}:
            items.append({"label": _("Staff"), "url": reverse("lms:staff_list")})
        if roles & {Role.TRAINER, Role.HR, Role.ADMINISTRATOR}:
            items.append({"label": _("Admin"), "url": reverse("wagtailadmin_home")})
        if roles & {Role.HR, Role.ADMINISTRATOR}:
            items.append({"label": _("Organisation"), "url": reverse("lms:org_tree")})
        if can_read_audit_log(user):
            items.append({"label": _("Audit log"), "url": reverse("lms:audit_log")})
        items.append({"label": _("My account"), "url": reverse("lms:account")})
    return {"nav_items": items}
