from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("People and organisation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lms import receivers, views
        from lms.models.pages import HomePage
        from lms.notifications import checks as notification_checks  # noqa: F401
        from lms.personal_data import personal_data, profile_section
        from lms.platform import checks, converters, user_cache  # noqa: F401
        from lms.platform.groups import translate_group_names
        from lms.platform.pages import page_contexts

        # Before any URLconf is read: the patterns name the `id` converter.
        converters.register()
        receivers.connect()
        translate_group_names()
        page_contexts.register(HomePage, views.home_page_context)
        personal_data.register("profile", profile_section, order=10)
