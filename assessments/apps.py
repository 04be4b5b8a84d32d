from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    """Question bank, quizzes, imported metrics, five-part scoring and certificates."""

    name = "assessments"
    verbose_name = _("Assessment")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from assessments import handlers  # noqa: F401  (connects the receivers)
        from assessments.completion import required_quizzes
        from courses.completion import register_requirement_provider

        register_requirement_provider(required_quizzes)

        from lms.context_processors import NavItem, register_nav_item
        from lms.roles import HR_ROLES, MANAGERS, TRAINERS

        register_nav_item(NavItem(_("Quiz results"), "assessments:quiz_list", MANAGERS, 42))
        register_nav_item(NavItem(_("Grading"), "assessments:grading_queue", MANAGERS, 44))
        register_nav_item(NavItem(_("Data imports"), "data:import_list", HR_ROLES, 46))
        register_nav_item(NavItem(_("My assessment"), "assessment:mine", order=15))
        register_nav_item(NavItem(_("My certificates"), "certificates:mine", order=16))
        register_nav_item(
            NavItem(_("Assessment cycles"), "assessment:cycle_list", HR_ROLES | TRAINERS, 48)
        )
        register_nav_item(NavItem(_("Appeals"), "assessment:appeal_list", HR_ROLES, 49))
        register_nav_item(NavItem(_("Certificates"), "assessment:certificate_list", HR_ROLES, 50))
