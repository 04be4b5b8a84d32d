"""The learner's quiz pages. HTTP only: parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import attempts, selectors
from assessments.models import Attempt, AttemptState, QuizPage
from assessments.questions import QuestionType


def _own_attempt(request, attempt_id: int) -> Attempt:
    attempt = get_object_or_404(Attempt.objects.select_related("quiz"), pk=attempt_id)
    if attempt.user_id != request.user.pk:
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
        attempt = attempts.attempt_start(quiz=quiz, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(quiz.url)
    return redirect("assessments:attempt", attempt.pk)


@login_required
def attempt_page(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if attempts.attempts_close_overdue(quiz=attempt.quiz_id, user=request.user):
        attempt.refresh_from_db()
    if attempt.state != AttemptState.IN_PROGRESS:
        return redirect("assessments:result", attempt.pk)
    items = selectors.shown_items(attempt)
    if request.method == "POST":  # without JavaScript: every answer at once
        closed = False
        for shown in items:
            data = posted_answer(request.POST, shown.position, shown.question.qtype)
            try:
                closed |= not attempts.answer_save(
                    attempt=attempt, position=shown.position, data=data, item=shown.item
                )
            except ValidationError:
                messages.error(
                    request,
                    _("The answer to question %(n)d could not be read.") % {"n": shown.position},
                )
        if closed:
            return redirect("assessments:result", attempt.pk)
        if "finish" in request.POST:
            return redirect("assessments:submit", attempt.pk)
        messages.success(request, _("Your answers are saved."))
        return redirect("assessments:attempt", attempt.pk)
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
        saved = attempts.answer_save_to(target=target, data=data)
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
        if attempts.attempt_submit_own(attempt_id=attempt_id, user=request.user) is None:
            raise Http404
        return redirect("assessments:result", attempt_id)
    attempt = _own_attempt(request, attempt_id)
    if attempt.state != AttemptState.IN_PROGRESS:
        return redirect("assessments:result", attempt.pk)
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
        return redirect("assessments:attempt", attempt.pk)
    review = selectors.reviewed_items(attempt) if selectors.may_review(attempt) else None
    return render(request, "assessments/result.html", {"attempt": attempt, "review": review})
