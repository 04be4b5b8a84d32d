"""The site's home page, served by Wagtail."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from lms.platform.routing import FastRouteMixin


class HomePage(FastRouteMixin, Page):
    """The front page: a welcome for visitors, the person's own start page once signed in."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from lms.platform.panels import home_panels
        from lms.selectors import home_summary_for

        context = super().get_context(request, *args, **kwargs)
        if request.user.is_authenticated:
            context["summary"] = home_summary_for(request.user)
            context["panels"] = home_panels.render(request, request.user)
        return context
