from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Wagtail course, lesson and drill pages, sessions, assignments and progress."""

    name = "courses"
    verbose_name = _("Training")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from courses import (
            handlers,  # noqa: F401  (connects the receivers)
            panels,
        )
        from courses.completion import register_requirement_provider
        from courses.sessions import session_requirements
        from lms.context_processors import MANAGERS, NavItem, register_nav_item
        from lms.panels import home_panels, staff_panels
        from lms.roles import SESSION_RUNNERS

        register_requirement_provider(session_requirements)
        home_panels.register(panels.HOME)
        staff_panels.register(panels.STAFF)

        register_nav_item(NavItem(_("My learning"), "courses:my_learning", order=10))
        register_nav_item(NavItem(_("Courses"), "courses:catalogue", order=20))
        register_nav_item(NavItem(_("Sessions"), "courses:session_list", order=25))
        register_nav_item(
            NavItem(_("Run sessions"), "courses:sessions_to_run", SESSION_RUNNERS, 28)
        )
        register_nav_item(NavItem(_("Assignments"), "courses:assignment_list", MANAGERS, 30))
        register_nav_item(NavItem(_("Progress reports"), "courses:report", MANAGERS, 40))
