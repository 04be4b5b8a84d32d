"""The learning pages, reachable from the Wagtail admin's menu."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.platform.menus import ManagerMenuItem


@hooks.register("register_admin_menu_item")
def assignments_menu_item():
    return ManagerMenuItem(
        _("Assignments"), reverse_lazy("learning:assignment_list"), icon_name="calendar", order=250
    )


@hooks.register("register_admin_menu_item")
def reports_menu_item():
    return ManagerMenuItem(
        _("Progress reports"), reverse_lazy("learning:report"), icon_name="table", order=260
    )
