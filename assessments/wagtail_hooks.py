"""The question bank in the Wagtail admin: search, filters, tags, versions on save."""

import django_filters
from django.urls import reverse, reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets.button import Button, ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, SnippetViewSet, SnippetViewSetGroup

from assessments.certificates import admin
from assessments.imports.permissions import may_import_data
from assessments.models.bank import Question, QuestionCategory
from assessments.questions import services
from assessments.questions.data import QuestionType
from assessments.questions.permissions import may_change_questions
from assessments.questions.views import QuestionFilesViewSet
from lms.platform.menus import ManagerMenuItem


class QuestionFilterSet(WagtailFilterSet):
    qtype = django_filters.ChoiceFilter(
        label=_("Type"), choices=[(t.value, t.value) for t in QuestionType]
    )
    tags = django_filters.CharFilter(label=_("Tag"), field_name="tags__name")

    class Meta:
        model = Question
        fields = ["category", "qtype", "archived"]


class QuestionEditView(EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if may_change_questions(self.request.user):
            buttons.append(
                Button(
                    _("Regrade past attempts"),
                    url=reverse("quizzes:question_regrade", args=[self.object.pk]),
                    icon_name="resubmit",
                    priority=50,
                )
            )
        return buttons


class QuestionViewSet(SnippetViewSet):
    model = Question
    edit_view_class = QuestionEditView
    icon = "help"
    menu_label = _("Questions")
    list_display = ["__str__", "category", "qtype", "default_mark", "updated_at"]
    filterset_class = QuestionFilterSet


class QuestionCategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = _("Question categories")
    list_display = ["__str__", "module"]


class QuestionBankGroup(SnippetViewSetGroup):
    menu_label = _("Question bank")
    menu_icon = "help"
    menu_order = 240
    items = (QuestionViewSet, QuestionCategoryViewSet, QuestionFilesViewSet)


register_snippet(QuestionBankGroup)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def record_question_version(request, instance):
    if isinstance(instance, Question):
        services.question_record_version(question=instance, by=request.user)


@hooks.register("register_admin_menu_item")
def quiz_results_menu_item():
    return ManagerMenuItem(
        _("Quiz results"), reverse_lazy("quizzes:quiz_list"), icon_name="tasks", order=262
    )


@hooks.register("register_admin_menu_item")
def grading_menu_item():
    return ManagerMenuItem(
        _("Grading queue"), reverse_lazy("quizzes:grading_queue"), icon_name="edit", order=264
    )


@hooks.register("register_snippet_listing_buttons")
def regrade_listing_button(snippet, user, next_url=None):
    if isinstance(snippet, Question) and may_change_questions(user):
        yield ListingButton(
            _("Regrade past attempts"),
            reverse("quizzes:question_regrade", args=[snippet.pk]),
            icon_name="resubmit",
            priority=50,
        )


class DataImportsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_import_data(request.user)


@hooks.register("register_admin_menu_item")
def data_imports_menu_item():
    return DataImportsMenuItem(
        _("Data imports"), reverse_lazy("imports:import_list"), icon_name="upload", order=266
    )


# Certificate templates: the admin's listing, forms and PDF preview.
register_snippet(admin.CertificateTemplateViewSet)
hooks.register("register_snippet_listing_buttons", admin.preview_listing_button)
