from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Wagtail course, lesson and drill pages, sessions, assignments and progress."""

    name = "courses"
    verbose_name = _("Training")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from courses import receivers  # noqa: F401  (connects the receivers)
        from courses.learning import panels
        from courses.learning.completion import register_requirement_provider
        from courses.sessions.completion import session_requirements
        from lms.platform.navigation import MANAGERS, NavItem, register_nav_item
        from lms.platform.panels import home_panels, staff_panels
        from lms.roles import SESSION_RUNNERS

        register_requirement_provider(session_requirements)
        home_panels.register(panels.HOME)
        staff_panels.register(panels.STAFF)

        register_nav_item(NavItem(_("My learning"), "learning:my_learning", order=10))
        register_nav_item(NavItem(_("Courses"), "learning:catalogue", order=20))
        register_nav_item(NavItem(_("Sessions"), "sessions:session_list", order=25))
        register_nav_item(
            NavItem(_("Run sessions"), "sessions:sessions_to_run", SESSION_RUNNERS, 28)
        )
        register_nav_item(NavItem(_("Assignments"), "learning:assignment_list", MANAGERS, 30))
        register_nav_item(NavItem(_("Progress reports"), "learning:report", MANAGERS, 40))
