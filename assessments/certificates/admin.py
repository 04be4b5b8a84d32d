"""Certificate templates in the Wagtail admin (HR and administrators): the wording in Chinese
and English, the layout, the issuing company's name and seal, the logo and the signature, how
long certificates stay valid, and a preview of the PDF a template makes (a sample person).
HTTP only; the PDF is `assessments.certificates.pdf`'s.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.widgets.button import Button, ListingButton
from wagtail.snippets.views.snippets import EditView, SnippetViewSet

from assessments.certificates.pdf import PLACEHOLDER, render_template_preview
from assessments.certificates.permissions import may_see_templates
from assessments.models.certificates import CertificateTemplate

PLACEHOLDERS = {
    "name",
    "employee_number",
    "org_unit",
    "course",
    "cycle",
    "grade",
    "overall",
    "issued_on",
    "expires_on",
}


class CertificateTemplateForm(WagtailAdminModelForm):
    def _clean_wording(self, field: str) -> str:
        text = self.cleaned_data.get(field) or ""
        unknown = sorted({m.group(1) for m in PLACEHOLDER.finditer(text)} - PLACEHOLDERS)
        if unknown:
            raise forms.ValidationError(
                _("Unknown placeholders: %(names)s. Use: %(known)s.")
                % {
                    "names": ", ".join(f"{{{name}}}" for name in unknown),
                    "known": ", ".join(f"{{{name}}}" for name in sorted(PLACEHOLDERS)),
                }
            )
        return text

    def clean_body_zh(self):
        return self._clean_wording("body_zh")

    def clean_body_en(self):
        return self._clean_wording("body_en")

    def save(self, commit=True):
        template = super().save(commit=False)
        if commit:
            template_save(template)
            self.save_m2m()
        return template


def template_save(template: CertificateTemplate) -> CertificateTemplate:
    """Save `template`; an active one retires the kind's other active template (one each)."""
    with transaction.atomic():
        if template.active:
            others = CertificateTemplate.objects.filter(kind=template.kind, active=True)
            if template.pk:
                others = others.exclude(pk=template.pk)
            others.select_for_update().update(active=False)
        template.save()
    return template


def preview_url(template: CertificateTemplate) -> str:
    return reverse(CertificateTemplateViewSet.url_name("preview_pdf"), args=[template.pk])


class PreviewButtonMixin:
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if getattr(self, "object", None) is not None and self.object.pk:
            buttons.append(
                Button(
                    _("Preview PDF"),
                    url=preview_url(self.object),
                    icon_name="view",
                    attrs={"target": "_blank", "rel": "noopener"},
                    priority=10,
                )
            )
        return buttons


class CertificateTemplateEditView(PreviewButtonMixin, EditView):
    pass


def preview_pdf(request, pk):
    """The PDF a template makes of a sample person, shown in the browser."""
    if not may_see_templates(request.user):
        raise PermissionDenied
    template = get_object_or_404(
        CertificateTemplate.objects.select_related("logo", "signature", "seal"), pk=pk
    )
    response = HttpResponse(render_template_preview(template), content_type="application/pdf")
    filename = f"certificate-template-{template.pk}-preview.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    edit_view_class = CertificateTemplateEditView
    icon = "doc-full"
    menu_label = _("Certificate templates")
    menu_order = 268
    add_to_admin_menu = True
    url_namespace = "certificate_templates"
    url_prefix = "certificate-templates"
    list_display = ["name", "kind", "active", "layout", "valid_months", "updated_at"]
    list_filter = ["kind", "active"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("kind"), FieldPanel("name")]),
                    FieldRowPanel([FieldPanel("active"), FieldPanel("layout")]),
                    FieldPanel("valid_months"),
                ],
                heading=_("Template"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("title_zh"),
                    FieldPanel("body_zh"),
                    FieldPanel("title_en"),
                    FieldPanel("body_en"),
                ],
                heading=_("Wording"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("issuer_name"),
                    FieldPanel("seal"),
                ],
                heading=_("Issuing company"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("logo"),
                    FieldPanel("signature"),
                    FieldRowPanel([FieldPanel("signatory_name"), FieldPanel("signatory_title")]),
                ],
                heading=_("Logo and signature"),
            ),
        ],
        base_form_class=CertificateTemplateForm,
    )

    @classmethod
    def url_name(cls, view_name: str) -> str:
        return f"{cls.url_namespace}:{view_name}"

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("preview-pdf/<id:pk>/", preview_pdf, name="preview_pdf"),
        ]


def preview_listing_button(snippet, user, next_url=None):
    """The "Preview PDF" button of a template in the listing (a `register_snippet_listing_
    buttons` hook, registered in wagtail_hooks)."""
    if isinstance(snippet, CertificateTemplate) and may_see_templates(user):
        yield ListingButton(
            _("Preview PDF"),
            preview_url(snippet),
            icon_name="view",
            attrs={"target": "_blank", "rel": "noopener"},
            priority=10,
        )
