"""The training pages: training home → course index → course → lesson.

Every page type names its parents, so the tree keeps its shape in the admin:
a lesson can only sit in a course, a course only in a course index.
"""

from pathlib import Path

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index

from courses import blocks as blocks_module
from courses.blocks import LessonBodyBlock
from lms.models.accounts import Position
from lms.platform import search
from lms.platform.pages import FeatureContextMixin
from lms.platform.routing import code_tag, pages_version, restricted_page_ids


class ModuleCategory(models.TextChoices):
    """The five training modules of the service manual, 6.1.1 to 6.1.5."""

    CULTURE = "culture", _("Culture and values")
    SERVICE = "service", _("Customer-service knowledge")
    PROCESS = "process", _("Business process and operating rules")
    EMERGENCY = "emergency", _("Emergency handling")
    TEAMWORK = "teamwork", _("Teamwork and communication")


MODULE_CLAUSES = {
    ModuleCategory.CULTURE: "6.1.1",
    ModuleCategory.SERVICE: "6.1.2",
    ModuleCategory.PROCESS: "6.1.3",
    ModuleCategory.EMERGENCY: "6.1.4",
    ModuleCategory.TEAMWORK: "6.1.5",
}


class PositionsField(models.JSONField):
    """A list of positions, edited as checkboxes."""

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=Position.choices,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )


_NOT_READ = object()


class RestrictionsMixin:
    """Wagtail's view-restriction check before serving, without a query while no page has one."""

    def get_view_restrictions(self):
        if not restricted_page_ids(self):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


class TrainingHomePage(RestrictionsMixin, Page):
    """The front door of the training: what there is and where to start."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["lms.HomePage"]
    max_count = 1
    template = "courses/training_home_page.html"

    class Meta:
        verbose_name = _("training home")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["indexes"] = CourseIndexPage.objects.child_of(self).live().specific()
        return context


class CourseIndexPage(RestrictionsMixin, FeatureContextMixin, Page):
    """A catalogue of courses, grouped by module (`courses.learning.views.catalogue_context`)."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["courses.TrainingHomePage"]
    template = "courses/course_index_page.html"

    class Meta:
        verbose_name = _("course index")


class CoursePage(RestrictionsMixin, FeatureContextMixin, Page):
    """A course of one of the five modules; its lessons are its child pages
    (`courses.learning.views.course_page_context`)."""

    module = models.CharField(_("module"), max_length=16, choices=ModuleCategory.choices)
    summary = models.TextField(
        _("summary"), help_text=_("One or two sentences for the catalogue.")
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=30, help_text=_("How long the whole course takes.")
    )
    target_positions = PositionsField(
        _("target positions"),
        default=list,
        blank=True,
        help_text=_("Who the course is written for. Leave empty for everyone."),
    )
    prerequisites = ParentalManyToManyField(
        "self",
        verbose_name=_("prerequisites"),
        blank=True,
        symmetrical=False,
        related_name="required_by",
        help_text=_("Courses to complete before this one can be started."),
    )
    onboarding_order = models.PositiveSmallIntegerField(
        _("place in the onboarding path"),
        null=True,
        blank=True,
        help_text=_("New staff get the onboarding courses in this order. Empty: not onboarding."),
    )
    onboarding_due_days = models.PositiveSmallIntegerField(
        _("onboarding due (days after hire)"), default=30
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("module"), FieldPanel("estimated_minutes")]),
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("target_positions"),
        FieldPanel("prerequisites", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [FieldPanel("onboarding_order"), FieldPanel("onboarding_due_days")],
            heading=_("Onboarding"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("search_text"),
        index.AutocompleteField("search_text"),  # the admin's page search
        index.FilterField("module"),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    template = "courses/course_page.html"

    class Meta:
        verbose_name = _("course")

    @property
    def module_clause(self) -> str:
        return MODULE_CLAUSES.get(self.module, "")

    def search_text(self) -> str:
        return search.index_text(f"{self.title} {self.summary}")


class LessonPage(RestrictionsMixin, FeatureContextMixin, Page):
    """One lesson: read on a phone, finished by reaching the end and confirming
    (`courses.learning.views.lesson_page_context`)."""

    summary = models.TextField(_("summary"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=10)
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"))

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("search_text"),
        index.AutocompleteField("search_text"),  # the admin's page search
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []
    template = "courses/lesson_page.html"

    class Meta:
        verbose_name = _("lesson")

    def body_text(self) -> str:
        """Every word a reader sees in the body, as plain text."""
        return " ".join(_block_text(block.value) for block in self.body)

    def search_text(self) -> str:
        return search.index_text(f"{self.title} {self.summary} {self.body_text()}")

    def body_cache_key(self, version: str) -> str:
        return (
            f"lms:lesson-body:{BODY_TAG}:{version}:{self.pk}:{self.live_revision_id}:"
            f"{get_language()}"
        )

    def body_html(self, request=None, *, cached=_NOT_READ) -> str:
        """The body as HTML, the same for every reader: rendered once per version and language.

        The key holds the pages' version (any page, image or document saved,
        published or deleted changes it) and the live revision, so a publish shows
        at once; a preview is never cached.
        """
        if getattr(request, "is_preview", False):
            return render_to_string(BODY_TEMPLATE, {"page": self})
        key = self.body_cache_key(pages_version(request))
        html = cache.get(key) if cached is _NOT_READ else cached
        if html is None:
            html = render_to_string(BODY_TEMPLATE, {"page": self})
            cache.set(key, html, BODY_TIMEOUT)
        return mark_safe(html)  # rendered by our templates, which escape


BODY_TEMPLATE = "courses/blocks/lesson_body.html"
BODY_TIMEOUT = 24 * 3600
# The blocks' code and templates: a deployment that changes them renders bodies anew.
BODY_TAG = code_tag(
    Path(blocks_module.__file__),
    *(settings.BASE_DIR / "templates" / "courses" / "blocks").glob("*.html"),
)


def _block_text(value) -> str:
    """The readable text of a block value, whatever its shape."""
    if value is None or isinstance(value, (bool, int, float)):
        return ""
    if isinstance(value, str):
        return value
    if hasattr(value, "source"):  # RichText
        return strip_tags(value.source)
    if isinstance(value, dict):  # StructValue
        return " ".join(_block_text(v) for v in value.values())
    if isinstance(value, (list, tuple)) or hasattr(value, "__iter__"):
        return " ".join(_block_text(v) for v in value)
    return ""
