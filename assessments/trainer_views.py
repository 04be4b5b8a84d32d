"""Trainers' and HR's quiz pages: results, item analysis, the grading queue and regrading.

HTTP only: parse, call a report or a service, render.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from assessments import attempts, grading, reports, selectors
from assessments.models import AttemptItem, Question, QuizPage
from assessments.questions import QuestionType
from lms.exports import table_response
from lms.roles import require_manager

PAGE_SIZE = 50


class GradeForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Comment for the learner"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, mark, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "score": forms.DecimalField(
                label=_("Score"),
                min_value=0,
                max_value=mark,
                decimal_places=2,
                help_text=_("Out of %(mark)s.") % {"mark": mark},
            ),
            **self.fields,
        }


class QueueFilter(forms.Form):
    quiz = forms.ModelChoiceField(
        label=gettext_lazy("Quiz"),
        queryset=QuizPage.objects.order_by("title"),
        required=False,
        empty_label=gettext_lazy("All quizzes"),
    )


# Quizzes, results and item analysis ----------------------------------------------------


@login_required
def quiz_list(request):
    require_manager(request.user)
    return render(
        request, "assessments/trainer/quiz_list.html", {"rows": reports.quiz_rows(request.user)}
    )


@login_required
def quiz_results(request, quiz_id: int):
    require_manager(request.user)
    quiz = get_object_or_404(QuizPage, pk=quiz_id)
    queryset = reports.quiz_attempts(request.user, quiz)
    if request.GET.get("format") in ("csv", "xlsx"):
        return _export_results(request.GET["format"], quiz, queryset)
    page_obj = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/trainer/quiz_results.html",
        {"quiz": quiz, "page_obj": page_obj, "query": ""},
    )


def _export_results(fmt: str, quiz: QuizPage, queryset):
    headers = [
        _("Employee number"),
        pgettext("person", "Name"),
        _("Org unit"),
        _("Attempt"),
        _("Started"),
        _("Submitted"),
        _("Score"),
        _("Out of"),
        _("Percent"),
        _("Result"),
    ]

    def rows():
        for a in queryset.iterator(chunk_size=1000):
            profile = a.user.profile
            if a.passed is None:
                result = a.get_state_display()
            else:
                result = _("Passed") if a.passed else _("Not passed")
            yield [
                a.user.username,
                profile.full_name,
                " / ".join(profile.org_unit.full_path_names()),
                a.number,
                a.started_at,
                a.submitted_at,
                None if a.score is None else float(a.score),
                float(a.max_score),
                None if a.percent is None else float(a.percent),
                result,
            ]

    return table_response(fmt, f"quiz-{quiz.pk}-results", headers, rows(), _("Results"))


@login_required
def quiz_analysis(request, quiz_id: int):
    require_manager(request.user)
    quiz = get_object_or_404(QuizPage, pk=quiz_id)
    return render(
        request,
        "assessments/trainer/quiz_analysis.html",
        {
            "quiz": quiz,
            "analysis": reports.quiz_analysis(request.user, quiz),
            "can_regrade": request.user.has_perm("assessments.change_question"),
        },
    )


# The grading queue -----------------------------------------------------------------------


@login_required
def grading_queue(request):
    require_manager(request.user)
    form = QueueFilter(request.GET or None)
    quiz = form.cleaned_data["quiz"] if form.is_valid() else None
    page_obj = Paginator(reports.grading_queue(request.user, quiz=quiz), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "assessments/trainer/grading_queue.html",
        {"form": form, "page_obj": page_obj, "query": query.urlencode()},
    )


@login_required
def grade_item(request, item_id: int):
    require_manager(request.user)
    item = get_object_or_404(
        AttemptItem.objects.select_related(
            "attempt__quiz", "attempt__user__profile__org_unit", "version", "graded_by__profile"
        ),
        pk=item_id,
    )
    if not reports.may_grade(request.user, item):
        raise Http404
    content = item.version.content
    if content.qtype != QuestionType.ESSAY:
        raise Http404
    form = GradeForm(request.POST or None, mark=item.mark)
    graded = item.graded_at is not None
    if request.method == "POST" and not graded and form.is_valid():
        try:
            attempts.item_grade_manually(
                item=item,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Graded: %(name)s, question %(n)d.")
                % {"name": item.attempt.user.profile.full_name, "n": item.position},
            )
            following = reports.grading_queue(request.user, quiz=item.attempt.quiz).first()
            if following is None:
                following = reports.grading_queue(request.user).first()
            if following is not None:
                return redirect("assessments:grade_item", following.pk)
            return redirect("assessments:grading_queue")
    question = Question.objects.filter(pk=item.version.question_id).only("note").first()
    shown = selectors.ShownItem(item, content, attempts.response_from_json(item.response), [], [])
    return render(
        request,
        "assessments/trainer/grade_item.html",
        {
            "item": item,
            "attempt": item.attempt,
            "question": content,
            "answer": shown.response.text,
            "note": question.note if question else "",
            "form": form,
            "graded": graded,
            "grade": selectors.item_grade(shown),
            "waiting": reports.grading_queue(request.user).count(),
        },
    )


# Regrading -------------------------------------------------------------------------------


@login_required
def question_regrade(request, question_id: int):
    if not request.user.has_perm("assessments.change_question"):
        raise PermissionDenied
    question = get_object_or_404(Question, pk=question_id)
    if request.method == "POST":
        try:
            changed = attempts.question_regrade(question=question, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                ngettext(
                    "Regraded. The score of %(n)d attempt changed.",
                    "Regraded. The scores of %(n)d attempts changed.",
                    changed,
                )
                % {"n": changed},
            )
        return redirect("assessments:question_regrade", question.pk)
    content = question.to_data()
    return render(
        request,
        "assessments/trainer/question_regrade.html",
        {
            "question": question,
            "content": content,
            "preview": reports.regrade_preview(question),
            "right_answer": grading.right_answer_summary(content),
        },
    )
