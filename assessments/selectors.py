"""Reads of the assessments app for the learner's quiz pages."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import grading
from assessments.attempts import AnswerTarget, quiz_unavailable_reason, response_from_json
from assessments.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    QuestionVersion,
    QuizPage,
    ReviewPolicy,
)
from assessments.questions import Question, QuestionType, Response


@dataclass
class ShownItem:
    """One question as the learner sees it: texts and options, never the key."""

    item: AttemptItem
    question: Question
    response: Response
    options: list[tuple[int, str]]  # (index into the question's choices/pairs, text)
    prompts: list[tuple[int, str]]  # matching: (pair index, prompt)

    @property
    def position(self) -> int:
        return self.item.position

    @property
    def answer_text(self) -> str:
        return response_text(self.question, self.response)

    @property
    def answered(self) -> bool:
        r = self.response
        return bool(
            r.choice is not None or r.choices or r.truth is not None or r.text.strip() or r.matches
        )


def answer_target(*, user, attempt_id: int, position: int) -> AnswerTarget | None:
    """The item at `position` of `user`'s attempt `attempt_id`, as saving an answer to it
    needs it (its options' order, its version's content, its attempt's quiz), in one
    query; None if there is no such item or the attempt is someone else's.

    Written in SQL: it runs on every answer a learner gives, and the ORM's building of the
    same three-table query costs six times its run."""
    if not (0 < attempt_id < 2**63 and 0 < position < 2**15):
        return None  # no such row, and a number the database's columns cannot hold
    items = connection.ops.quote_name(AttemptItem._meta.db_table)
    attempts = connection.ops.quote_name(Attempt._meta.db_table)
    versions = connection.ops.quote_name(QuestionVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT item.id, attempt.quiz_id, item.option_order, version.data "
            f"FROM {items} item JOIN {attempts} attempt ON attempt.id = item.attempt_id "
            f"JOIN {versions} version ON version.id = item.version_id "
            "WHERE item.attempt_id = %s AND item.position = %s AND attempt.user_id = %s",
            [attempt_id, position, user.pk],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    item_id, quiz_id, option_order, data = row
    return AnswerTarget(
        item_id, attempt_id, quiz_id, user.pk, _json(option_order), Question.from_dict(_json(data))
    )


def _json(value):
    """A JSON column as the database driver gives it: text (Django's loaders) or decoded."""
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def shown_items(attempt: Attempt) -> list[ShownItem]:
    items = attempt.items.select_related("version").order_by("position")
    shown = []
    for item in items:
        question = item.version.content
        response = response_from_json(item.response)
        if question.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            options = [(i, question.choices[i].text) for i in item.option_order]
        elif question.qtype == QuestionType.MATCHING:
            options = [(i, question.pairs[i].answer) for i in item.option_order]
        else:
            options = []
        prompts = [(i, p.prompt) for i, p in enumerate(question.pairs) if p.prompt]
        shown.append(ShownItem(item, question, response, options, prompts))
    return shown


def may_review(attempt: Attempt, *, now=None) -> bool:
    """Whether the answers and feedback may be shown, as the quiz's review policy says."""
    if attempt.state == AttemptState.IN_PROGRESS:
        return False
    quiz = attempt.quiz
    if quiz.review == ReviewPolicy.IMMEDIATELY:
        return True
    if quiz.review == ReviewPolicy.AFTER_CLOSE:
        return bool(quiz.closes_at and (now or timezone.now()) >= quiz.closes_at)
    return False


def item_grade(shown: ShownItem) -> grading.Grade:
    """The grade of a submitted answer: the grader's, with a trainer's score and comment
    where the answer was graded by hand."""
    grade = grading.grade(shown.question, shown.response, shown.item.mark)
    item = shown.item
    if item.graded_at is None:
        return grade
    comment = (item.grader_comment,) if item.grader_comment else ()
    return grading.Grade(
        grading.GradeState.GRADED, item.fraction, item.score, comment, grade.right_answer_summary
    )


def reviewed_items(attempt: Attempt) -> list[tuple[ShownItem, grading.Grade]]:
    return [(shown, item_grade(shown)) for shown in shown_items(attempt)]


def response_text(question: Question, response: Response) -> str:
    """What the learner answered, in words, for the people reviewing it."""
    if question.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        chosen = [response.choice] if response.choice is not None else sorted(response.choices)
        return "; ".join(question.choices[i].text for i in chosen if i < len(question.choices))
    if question.qtype == QuestionType.TRUE_FALSE:
        if response.truth is None:
            return ""
        return _("True") if response.truth else _("False")
    if question.qtype == QuestionType.MATCHING:
        return "; ".join(
            f"{question.pairs[i].prompt} → {answer}"
            for i, answer in sorted(response.matches.items())
            if i < len(question.pairs)
        )
    return response.text


def quiz_overview(quiz: QuizPage, user) -> dict:
    attempts = list(Attempt.objects.filter(quiz=quiz, user=user).order_by("number"))
    current = next((a for a in attempts if a.state == AttemptState.IN_PROGRESS), None)
    return {
        "attempts": attempts,
        "current": current,
        "best": max((a.percent for a in attempts if a.percent is not None), default=None),
        "passed": any(a.passed for a in attempts),
        "unavailable": None if current else quiz_unavailable_reason(quiz, user),
    }
