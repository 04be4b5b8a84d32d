"""The information-security text (manual 8.1.5, 8.2.1) and the staff's acknowledgements of it.

The text is a Wagtail page with an explicit version number. Editors raise the number when a
change asks everyone to read and acknowledge again (a new rule, a changed duty); a typo fixed or
a sentence reworded is published under the same number and asks nobody again. Each
acknowledgement keeps the version and the revision the person read, when and from where; a
person is asked again when the version changes or a year has passed
(`courses.acknowledgements.selectors.due_for`).
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from courses.blocks import LessonBodyBlock
from courses.models.pages import RestrictionsMixin
from lms.platform.pages import FeatureContextMixin


class ConfidentialityPage(RestrictionsMixin, FeatureContextMixin, Page):
    """The information-security and confidentiality rules every member of staff acknowledges
    (`courses.acknowledgements.views.confidentiality_page_context`)."""

    summary = models.TextField(_("summary"), blank=True)
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"))
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_(
            "Raise it when a change must be read and acknowledged again by everyone (a new "
            "rule, a changed duty). Leave it for corrections that change no rule: nobody is "
            "asked again."
        ),
    )
    version_note = models.CharField(
        _("what changed in this version"),
        max_length=255,
        blank=True,
        help_text=_("Shown to the staff asked to acknowledge again."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("version"), FieldPanel("version_note")], heading=_("Acknowledgement")
        ),
    ]
    parent_page_types = ["courses.TrainingHomePage"]
    subpage_types: list[str] = []
    max_count = 1
    template = "courses/acknowledgements/confidentiality_page.html"

    class Meta:
        verbose_name = _("information-security text")

    def clean(self):
        super().clean()
        if self.pk:
            live = type(self).objects.filter(pk=self.pk).values_list("version", flat=True).first()
            if live is not None and self.version < live:
                raise ValidationError(
                    {
                        "version": _(
                            "The version cannot go down: the published text is version "
                            "%(version)d."
                        )
                        % {"version": live}
                    }
                )

    def serve(self, request, *args, **kwargs):
        """Only for the staff: an anonymous visitor is sent to sign in."""
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().serve(request, *args, **kwargs)


class Acknowledgement(models.Model):
    """A person confirmed they read one version of the information-security text and will
    comply with it. Rows are only added: a person's earlier acknowledgements are their
    history."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="acknowledgements",
    )
    page = models.ForeignKey(
        ConfidentialityPage,
        verbose_name=_("text"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="acknowledgements",
    )
    title = models.CharField(_("title as read"), max_length=255)
    version = models.PositiveIntegerField(_("version"))
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("revision read"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("confidentiality acknowledgement")
        verbose_name_plural = _("confidentiality acknowledgements")
        ordering = ["-acknowledged_at", "-pk"]
        indexes = [models.Index(fields=["user", "page", "-acknowledged_at"])]

    def __str__(self):
        return f"{self.user} · {self.title} v{self.version} · {self.acknowledged_at:%Y-%m-%d}"
