"""The site's home page, served by Wagtail."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from lms.platform.pages import FeatureContextMixin
from lms.platform.routing import FastRouteMixin


class HomePage(FastRouteMixin, FeatureContextMixin, Page):
    """The front page: a welcome for visitors, the person's own start page once signed in
    (`lms.views.home_page_context`)."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")
