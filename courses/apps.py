from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Wagtail course, lesson and drill pages, sessions, assignments and progress."""

    name = "courses"
    verbose_name = _("Training")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from courses import home, notifications, receivers
        from courses.acknowledgements import panels as acknowledgement_panels
        from courses.acknowledgements import views as acknowledgement_views
        from courses.acknowledgements.personal_data import acknowledgements_section
        from courses.learning import panels
        from courses.learning import views as learning_views
        from courses.learning.completion import register_requirement_provider
        from courses.learning.personal_data import learning_section
        from courses.models.acknowledgements import ConfidentialityPage
        from courses.models.live import DrillPage
        from courses.models.pages import CourseIndexPage, CoursePage, LessonPage
        from courses.sessions import views as session_views
        from courses.sessions.completion import session_requirements
        from courses.sessions.personal_data import sessions_section
        from lms.personal_data import personal_data
        from lms.platform.navigation import MANAGERS, NavItem, register_nav_item
        from lms.platform.pages import page_contexts
        from lms.platform.panels import home_panels, staff_panels
        from lms.roles import HR_ROLES, SESSION_RUNNERS

        receivers.connect()
        notifications.register_kinds()
        register_requirement_provider(session_requirements)
        page_contexts.register(CourseIndexPage, learning_views.catalogue_context)
        page_contexts.register(CoursePage, learning_views.course_page_context)
        page_contexts.register(LessonPage, learning_views.lesson_page_context)
        page_contexts.register(DrillPage, session_views.drill_page_context)
        page_contexts.register(
            ConfidentialityPage, acknowledgement_views.confidentiality_page_context
        )
        home.register()
        home_panels.register(panels.HOME)
        staff_panels.register(panels.STAFF)
        home_panels.register(acknowledgement_panels.HOME)
        staff_panels.register(acknowledgement_panels.STAFF)
        personal_data.register("learning", learning_section, order=20)
        personal_data.register("sessions", sessions_section, order=30)
        personal_data.register("acknowledgements", acknowledgements_section, order=35)

        register_nav_item(NavItem(_("My learning"), "learning:my_learning", order=10))
        register_nav_item(NavItem(_("Courses"), "learning:catalogue", order=20))
        register_nav_item(NavItem(_("Sessions"), "sessions:session_list", order=25))
        register_nav_item(
            NavItem(_("Run sessions"), "sessions:sessions_to_run", SESSION_RUNNERS, 28)
        )
        register_nav_item(NavItem(_("Assignments"), "learning:assignment_list", MANAGERS, 30))
        register_nav_item(NavItem(_("Progress reports"), "learning:report", MANAGERS, 40))
        register_nav_item(NavItem(_("Confidentiality"), "acknowledgements:report", HR_ROLES, 45))
