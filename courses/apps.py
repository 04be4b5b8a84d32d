from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Wagtail course, lesson and drill pages, sessions, assignments and progress."""

    name = "courses"
    verbose_name = _("Training")
    default_auto_field = "django.db.models.BigAutoField"
