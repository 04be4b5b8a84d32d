"""The quiz pages: the learner's attempt, and the trainers' results, analysis, grading and
regrading. HTTP only: parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from assessments.models.bank import Question
from assessments.models.quizzes import Attempt, AttemptItem, AttemptState, QuizPage
from assessments.questions.data import QuestionType
from assessments.questions.permissions import may_change_questions
from assessments.quizzes import grading, permissions, responses, selectors, services
from assessments.quizzes.forms import GradeForm, QueueFilter
from lms.audit import PersonalRecord, audited_rows, personal_listed, personal_viewed
from lms.permissions import require
from lms.platform.exports import table_response


def quiz_page_context(page, request, context) -> dict | None:
    """A quiz's page: the signed-in person's attempts and whether they may start one now
    (registered in AssessmentsConfig.ready)."""
    if request.user.is_authenticated:
        return {"overview": selectors.quiz_overview(page, request.user)}
    return None


def _own_attempt(request, attempt_id: int) -> Attempt:
    attempt = get_object_or_404(Attempt.objects.select_related("quiz"), pk=attempt_id)
    if not permissions.attempt_rule.can_answer(request.user, attempt):
        raise Http404
    return attempt


def posted_answer(post, position: int, qtype: QuestionType) -> dict:
    """The form values of one question, as `attempts.response_from` reads them."""
    prefix = f"q{position}-"
    if qtype == QuestionType.SINGLE:
        return {"choice": post.get(prefix + "choice")}
    if qtype == QuestionType.MULTIPLE:
        return {"choices": post.getlist(prefix + "choices")}
    if qtype == QuestionType.TRUE_FALSE:
        return {"truth": post.get(prefix + "truth")}
    if qtype == QuestionType.MATCHING:
        return {
            "matches": {
                key[len(prefix + "match-") :]: value
                for key, value in post.items()
                if key.startswith(prefix + "match-")
            }
        }
    return {"text": post.get(prefix + "text", "")}


@login_required
@require_POST
def quiz_start(request, quiz_id: int):
    quiz = get_object_or_404(QuizPage.objects.live(), pk=quiz_id)
    try:
        attempt = services.attempt_start(quiz=quiz, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(quiz.url)
    return redirect("quizzes:attempt", attempt.pk)


@login_required
def attempt_page(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if services.attempts_close_overdue(quiz=attempt.quiz_id, user=request.user):
        attempt.refresh_from_db()
    if attempt.state != AttemptState.IN_PROGRESS:
        return redirect("quizzes:result", attempt.pk)
    items = selectors.shown_items(attempt)
    if request.method == "POST":  # without JavaScript: every answer at once
        saved = services.answers_save(
            attempt=attempt,
            answers=[
                (shown.item, posted_answer(request.POST, shown.position, shown.question.qtype))
                for shown in items
            ],
        )
        for position in saved.unreadable:
            messages.error(
                request, _("The answer to question %(n)d could not be read.") % {"n": position}
            )
        if saved.closed:
            return redirect("quizzes:result", attempt.pk)
        if "finish" in request.POST:
            return redirect("quizzes:submit", attempt.pk)
        messages.success(request, _("Your answers are saved."))
        return redirect("quizzes:attempt", attempt.pk)
    return render(request, "assessments/attempt.html", {"attempt": attempt, "items": items})


@login_required
@require_POST
def answer_save(request, attempt_id: int, position: int):
    """One answer, sent by the page's script as it is given."""
    target = selectors.answer_target(user=request.user, attempt_id=attempt_id, position=position)
    if target is None:
        raise Http404
    data = posted_answer(request.POST, position, target.content.qtype)
    try:
        saved = services.answer_save_to(target=target, data=data)
    except ValidationError as error:
        return JsonResponse({"saved": False, "error": " ".join(error.messages)}, status=400)
    if not saved:
        return JsonResponse(
            {"saved": False, "closed": True, "error": _("The time is up: the attempt is closed.")},
            status=409,
        )
    return JsonResponse({"saved": True})


@login_required
def attempt_submit(request, attempt_id: int):
    if request.method == "POST":
        if services.attempt_submit_own(attempt_id=attempt_id, user=request.user) is None:
            raise Http404
        return redirect("quizzes:result", attempt_id)
    attempt = _own_attempt(request, attempt_id)
    if attempt.state != AttemptState.IN_PROGRESS:
        return redirect("quizzes:result", attempt.pk)
    items = selectors.shown_items(attempt)
    unanswered = [shown for shown in items if not shown.answered]
    return render(
        request,
        "assessments/submit.html",
        {"attempt": attempt, "items": items, "unanswered": unanswered},
    )


@login_required
def attempt_result(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if attempt.state == AttemptState.IN_PROGRESS:
        return redirect("quizzes:attempt", attempt.pk)
    review = selectors.reviewed_items(attempt) if selectors.may_review(attempt) else None
    return render(request, "assessments/result.html", {"attempt": attempt, "review": review})


PAGE_SIZE = 50


# Quizzes, results and item analysis ----------------------------------------------------


@login_required
def quiz_list(request):
    require(permissions.may_read_results(request.user))
    return render(
        request,
        "assessments/trainer/quiz_list.html",
        {"rows": selectors.quiz_rows(request.user)},
    )


@login_required
def quiz_results(request, quiz_id: int):
    require(permissions.may_read_results(request.user))
    quiz = get_object_or_404(QuizPage, pk=quiz_id)
    queryset = selectors.quiz_attempts(request.user, quiz)
    if request.GET.get("format") in ("csv", "xlsx"):
        return _export_results(request, request.GET["format"], quiz, queryset)
    page_obj = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    personal_listed(
        request=request,
        record=PersonalRecord.QUIZ_RESULTS,
        people=len({attempt.user_id for attempt in page_obj}),
        scope={"quiz": quiz.pk, "page": page_obj.number},
        target=quiz,
    )
    return render(
        request,
        "assessments/trainer/quiz_results.html",
        {"quiz": quiz, "page_obj": page_obj, "query": ""},
    )


def _export_results(request, fmt: str, quiz: QuizPage, queryset):
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

    audited = audited_rows(
        rows(),
        request=request,
        record=PersonalRecord.QUIZ_RESULTS,
        scope={"quiz": quiz.pk, "format": fmt},
        target=quiz,
    )
    return table_response(fmt, f"quiz-{quiz.pk}-results", headers, audited, _("Results"))


@login_required
def quiz_analysis(request, quiz_id: int):
    require(permissions.may_read_results(request.user))
    quiz = get_object_or_404(QuizPage, pk=quiz_id)
    return render(
        request,
        "assessments/trainer/quiz_analysis.html",
        {
            "quiz": quiz,
            "analysis": selectors.quiz_analysis(request.user, quiz),
            "can_regrade": may_change_questions(request.user),
        },
    )


# The grading queue -----------------------------------------------------------------------


@login_required
def grading_queue(request):
    require(permissions.may_read_results(request.user))
    form = QueueFilter(request.GET or None)
    quiz = form.cleaned_data["quiz"] if form.is_valid() else None
    page_obj = Paginator(selectors.grading_queue(request.user, quiz=quiz), PAGE_SIZE).get_page(
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
    require(permissions.may_read_results(request.user))
    item = get_object_or_404(
        AttemptItem.objects.select_related(
            "attempt__quiz", "attempt__user__profile__org_unit", "version", "graded_by__profile"
        ),
        pk=item_id,
    )
    if not permissions.may_grade(request.user, item):
        raise Http404
    content = item.version.content
    if content.qtype != QuestionType.ESSAY:
        raise Http404
    if request.method == "GET":
        personal_viewed(
            request=request,
            subject=item.attempt.user,
            record=PersonalRecord.ATTEMPT,
            target=item.attempt.quiz,
            details={"attempt": item.attempt_id, "position": item.position},
        )
    form = GradeForm(request.POST or None, mark=item.mark)
    graded = item.graded_at is not None
    if request.method == "POST" and not graded and form.is_valid():
        try:
            services.item_grade_manually(
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
            following = selectors.grading_queue(request.user, quiz=item.attempt.quiz).first()
            if following is None:
                following = selectors.grading_queue(request.user).first()
            if following is not None:
                return redirect("quizzes:grade_item", following.pk)
            return redirect("quizzes:grading_queue")
    question = Question.objects.filter(pk=item.version.question_id).only("note").first()
    shown = selectors.ShownItem(item, content, responses.response_from_json(item.response), [], [])
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
            "waiting": selectors.grading_queue(request.user).count(),
        },
    )


# Regrading -------------------------------------------------------------------------------


@login_required
def question_regrade(request, question_id: int):
    require(may_change_questions(request.user))
    question = get_object_or_404(Question, pk=question_id)
    allowed = permissions.may_regrade(request.user, question)
    if request.method == "POST":
        require(allowed)
        try:
            changed = services.question_regrade(question=question, by=request.user)
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
        return redirect("quizzes:question_regrade", question.pk)
    content = question.to_data()
    return render(
        request,
        "assessments/trainer/question_regrade.html",
        {
            "question": question,
            "content": content,
            "preview": selectors.regrade_preview(question),
            "right_answer": grading.right_answer_summary(content),
            "may_regrade": allowed,
        },
    )
