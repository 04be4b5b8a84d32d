"""The question bank in the Wagtail admin: search, filters, tags, versions on save."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from assessments import services
from assessments.admin_views import QuestionFilesViewSet
from assessments.models import Question, QuestionCategory
from assessments.questions import QuestionType


class QuestionFilterSet(WagtailFilterSet):
    qtype = django_filters.ChoiceFilter(
        label=_("Type"), choices=[(t.value, t.value) for t in QuestionType]
    )
    tags = django_filters.CharFilter(label=_("Tag"), field_name="tags__name")

    class Meta:
        model = Question
        fields = ["category", "qtype", "archived"]


class QuestionViewSet(SnippetViewSet):
    model = Question
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
