from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    """Question bank, quizzes, imported metrics, five-part scoring and certificates."""

    name = "assessments"
    verbose_name = _("Assessment")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from assessments import home, notifications, receivers
        from assessments.certificates.personal_data import certificates_section
        from assessments.cycles.personal_data import assessment_section
        from assessments.models.quizzes import QuizPage
        from assessments.quizzes import views as quiz_views
        from assessments.quizzes.completion import required_quizzes, required_quizzes_many
        from assessments.quizzes.personal_data import quizzes_section
        from courses.learning.completion import (
            register_requirement_provider,
            register_requirements_many,
        )
        from lms.personal_data import personal_data
        from lms.platform.pages import page_contexts

        receivers.connect()
        notifications.register_kinds()
        home.register()
        register_requirement_provider(required_quizzes)
        register_requirements_many(required_quizzes, required_quizzes_many)
        page_contexts.register(QuizPage, quiz_views.quiz_page_context)
        personal_data.register("quizzes", quizzes_section, order=40)
        personal_data.register("assessment", assessment_section, order=50)
        personal_data.register("certificates", certificates_section, order=60)

        from lms.platform.navigation import NavItem, register_nav_item
        from lms.roles import HR_ROLES, MANAGERS, TRAINERS, Role

        register_nav_item(NavItem(_("Quiz results"), "quizzes:quiz_list", MANAGERS, 42))
        register_nav_item(NavItem(_("Grading"), "quizzes:grading_queue", MANAGERS, 44))
        register_nav_item(NavItem(_("Data imports"), "imports:import_list", HR_ROLES, 46))
        register_nav_item(NavItem(_("My assessment"), "cycles:mine", order=15))
        register_nav_item(NavItem(_("My certificates"), "certificates:mine", order=16))
        register_nav_item(
            NavItem(_("Assessment cycles"), "cycles:cycle_list", HR_ROLES | TRAINERS, 48)
        )
        register_nav_item(NavItem(_("Appeals"), "cycles:appeal_list", HR_ROLES, 49))
        register_nav_item(
            NavItem(
                _("Retraining rules"), "retraining:rule_list", HR_ROLES | {Role.LEAD_TRAINER}, 51
            )
        )
        register_nav_item(
            NavItem(_("Certificates"), "certificates:certificate_list", HR_ROLES, 50)
        )
        register_nav_item(
            NavItem(
                _("Learning records (xAPI)"),
                "xapi:outbox",
                frozenset({Role.ADMINISTRATOR}),
                95,
            )
        )
