"""A person's quiz attempts and answers in the copy of their own data
(`lms.personal_data`). The questions and answers of an attempt whose quiz does not yet let
its takers review it are withheld, as on the result page, so that the copy cannot carry an
exam's questions out while it is still open."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models.quizzes import Attempt, AttemptItem
from assessments.quizzes.responses import response_from_json
from assessments.quizzes.selectors import may_review, response_text
from lms.personal_data import Table


def quizzes_section(user) -> list[Table]:
    now = timezone.now()
    attempts = list(
        Attempt.objects.filter(user=user).select_related("quiz").order_by("started_at", "pk")
    )
    reviewable = {a.pk for a in attempts if may_review(a, now=now)}
    items = (
        AttemptItem.objects.filter(attempt__user=user)
        .select_related("attempt__quiz", "version")
        .order_by("attempt__started_at", "attempt_id", "position")
    )
    answers = []
    for item in items:
        shown = item.attempt_id in reviewable
        content = item.version.content if shown else None
        answers.append(
            {
                "quiz": item.attempt.quiz.title,
                "attempt": item.attempt.number,
                "position": item.position,
                "question": content.text if content else "",
                "answer": response_text(content, response_from_json(item.response))
                if content
                else "",
                "saved_at": item.saved_at,
                "score": item.score if shown else None,
                "mark": item.mark,
                "grader_comment": item.grader_comment if shown else "",
                "withheld": not shown,
            }
        )
    return [
        Table(
            "quiz_attempts",
            _("Quiz attempts"),
            [
                ("quiz", _("Quiz")),
                ("attempt", _("Attempt")),
                ("state", _("State")),
                ("started_at", _("Started")),
                ("submitted_at", _("Submitted")),
                ("auto_submitted", _("Submitted at the deadline")),
                ("score", _("Score")),
                ("max_score", _("Out of")),
                ("percent", _("Percent")),
                ("passed", _("Passed")),
            ],
            [
                {
                    "quiz": a.quiz.title,
                    "attempt": a.number,
                    "state": a.get_state_display(),
                    "started_at": a.started_at,
                    "submitted_at": a.submitted_at,
                    "auto_submitted": a.auto_submitted,
                    "score": a.score,
                    "max_score": a.max_score,
                    "percent": a.percent,
                    "passed": a.passed,
                }
                for a in attempts
            ],
        ),
        Table(
            "quiz_answers",
            _("Quiz answers"),
            [
                ("quiz", _("Quiz")),
                ("attempt", _("Attempt")),
                ("position", _("Question number")),
                ("question", _("Question")),
                ("answer", _("Answer")),
                ("saved_at", _("Saved at")),
                ("score", _("Score")),
                ("mark", _("Out of")),
                ("grader_comment", _("Grader's comment")),
                ("withheld", _("Withheld until the quiz allows review")),
            ],
            answers,
        ),
    ]
