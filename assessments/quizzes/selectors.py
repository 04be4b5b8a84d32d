"""Reads of quizzes: the learner's attempt pages, and the trainers' results, grading queue
and item analysis."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db import connection
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from wagtail.models import Page

from assessments.models.bank import Question, QuestionVersion
from assessments.models.quizzes import Attempt, AttemptItem, AttemptState, QuizPage, ReviewPolicy
from assessments.questions.data import Question as QuestionData
from assessments.questions.data import QuestionType, Response
from assessments.quizzes import analysis, grading
from assessments.quizzes.grading import regrade_problem
from assessments.quizzes.permissions import quiz_unavailable_reason, visible_attempts
from assessments.quizzes.responses import response_from_json
from lms.permissions import StaffVisibility
from lms.platform.wording import listed


@dataclass
class ShownItem:
    """One question as the learner sees it: texts and options, never the key."""

    item: AttemptItem
    question: QuestionData
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
        item_id,
        attempt_id,
        quiz_id,
        user.pk,
        _json(option_order),
        QuestionData.from_dict(_json(data)),
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


def reviewed_items(attempt: Attempt) -> list[tuple[ShownItem, grading.Grade, tuple[str, ...]]]:
    """Each answer, its grade, and the feedback to show under it: the answer's feedback
    and the question's general feedback, each text once (a general feedback repeated as
    every choice's feedback shows once)."""
    reviewed = []
    for shown in shown_items(attempt):
        grade = item_grade(shown)
        general = shown.question.general_feedback
        reviewed.append((shown, grade, grading.once([*grade.feedback, general])))
    return reviewed


def response_text(question: QuestionData, response: Response) -> str:
    """What the learner answered, in words, for the people reviewing it."""
    if question.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        chosen = [response.choice] if response.choice is not None else sorted(response.choices)
        return listed(question.choices[i].text for i in chosen if i < len(question.choices))
    if question.qtype == QuestionType.TRUE_FALSE:
        if response.truth is None:
            return ""
        return _("True") if response.truth else _("False")
    if question.qtype == QuestionType.MATCHING:
        return listed(
            f"{question.pairs[i].prompt} → {answer}"
            for i, answer in sorted(response.matches.items())
            if i < len(question.pairs)
        )
    return response.text


FULL_MARKS = Decimal(100)


def quiz_overview(quiz: QuizPage, user) -> dict:
    """A person's attempts at a quiz and what they may do next.

    `attempts_left` is how many more they may start (None: no limit). `done_with_it` says
    that another attempt cannot help them: full marks, or passed on a quiz that counts
    for nothing beyond passing (not toward the assessment); then no wait is announced.
    """
    attempts = list(Attempt.objects.filter(quiz=quiz, user=user).order_by("number"))
    current = next((a for a in attempts if a.state == AttemptState.IN_PROGRESS), None)
    best = max((a.percent for a in attempts if a.percent is not None), default=None)
    passed = any(a.passed for a in attempts)
    finished = sum(1 for a in attempts if a.state != AttemptState.IN_PROGRESS)
    attempts_left = None
    if quiz.attempts_allowed:
        attempts_left = max(0, quiz.attempts_allowed - finished - (1 if current else 0))
    full_marks = best is not None and best >= FULL_MARKS
    done_with_it = full_marks or (passed and not quiz.counts_toward_assessment)
    unavailable = None if current else quiz_unavailable_reason(quiz, user)
    return {
        "attempts": attempts,
        "current": current,
        "best": best,
        "passed": passed,
        "full_marks": full_marks,
        "done_with_it": done_with_it,
        "attempts_left": attempts_left,
        "unavailable": None if done_with_it else unavailable,
        "may_start": current is None and unavailable is None,
    }


@dataclass(frozen=True)
class AnswerTarget:
    """What saving an answer to one item needs to know of it (`selectors.answer_target`)."""

    item_id: int
    attempt_id: int
    quiz_id: int
    user_id: int
    option_order: list[int]
    content: QuestionData


# Item analysis flags, as Moodle's quiz statistics read them.
HARD_BELOW = Decimal(20)  # facility, percent


EASY_ABOVE = Decimal(90)


WEAK_BELOW = Decimal("0.2")  # discrimination index


# Quizzes --------------------------------------------------------------------------


@dataclass
class QuizRow:
    quiz: QuizPage
    place: str  # the course (or catalogue) the quiz sits in
    submitted: int = 0
    in_progress: int = 0
    waiting: int = 0  # attempts with an essay waiting for grading
    mean_percent: Decimal | None = None
    passed: int = 0

    @property
    def graded(self) -> int:
        return self.submitted - self.waiting

    @property
    def pass_rate(self) -> int | None:
        return round(100 * self.passed / self.graded) if self.graded else None


def quiz_rows(user) -> list[QuizRow]:
    """Every quiz, with the counts of the attempts `user` may see: three queries."""
    quizzes = list(QuizPage.objects.order_by("path"))
    parents = dict(
        Page.objects.filter(path__in={q.path[: -QuizPage.steplen] for q in quizzes}).values_list(
            "path", "title"
        )
    )
    rows = {q.pk: QuizRow(q, parents.get(q.path[: -QuizPage.steplen], "")) for q in quizzes}
    counts = (
        visible_attempts(user)
        .values("quiz_id")
        .annotate(
            submitted=Count("pk", filter=~Q(state=AttemptState.IN_PROGRESS)),
            in_progress=Count("pk", filter=Q(state=AttemptState.IN_PROGRESS)),
            waiting=Count("pk", filter=Q(state=AttemptState.NEEDS_GRADING)),
            mean_percent=Avg("percent", filter=Q(state=AttemptState.GRADED)),
            passed=Count("pk", filter=Q(passed=True)),
        )
        .order_by()
    )
    for c in counts:
        row = rows.get(c["quiz_id"])
        if row is None:
            continue
        row.submitted, row.in_progress = c["submitted"], c["in_progress"]
        row.waiting, row.passed = c["waiting"], c["passed"]
        if c["mean_percent"] is not None:
            row.mean_percent = Decimal(c["mean_percent"]).quantize(grading.TENTH, ROUND_HALF_UP)
    return list(rows.values())


def quiz_attempts(user, quiz: QuizPage):
    """The submitted attempts at `quiz` that `user` may see, newest first."""
    return (
        visible_attempts(user)
        .filter(quiz=quiz)
        .exclude(state=AttemptState.IN_PROGRESS)
        .select_related("user__profile__org_unit")
        .order_by("-submitted_at", "-pk")
    )


# The grading queue ----------------------------------------------------------------


def grading_queue(user, *, quiz: QuizPage | None = None):
    """Answers waiting for a trainer, oldest first; never the grader's own."""
    items = AttemptItem.objects.filter(
        StaffVisibility(via="attempt__user__profile").q(user),
        state=grading.GradeState.NEEDS_GRADING,
        attempt__state=AttemptState.NEEDS_GRADING,
    ).exclude(attempt__user=user)
    if quiz is not None:
        items = items.filter(attempt__quiz=quiz)
    return items.select_related(
        "attempt__quiz", "attempt__user__profile__org_unit", "version"
    ).order_by("attempt__submitted_at", "attempt_id", "position")


# Item analysis --------------------------------------------------------------------


@dataclass
class OptionRow:
    label: str
    right: bool
    count: int
    percent: Decimal | None


@dataclass
class QuestionRow:
    question_id: int
    title: str
    qtype: str
    text_format: str
    position: int  # where it was shown, on average: the table's order
    stats: analysis.ItemStatistics
    options: list[OptionRow] = field(default_factory=list)
    versions: int = 1  # how many versions of it the attempts were shown

    @property
    def flags(self) -> list[str]:
        s = self.stats
        flags = []
        if s.facility is not None and s.attempts >= 2:
            if s.facility < HARD_BELOW:
                flags.append(_("Very hard"))
            elif s.facility > EASY_ABOVE:
                flags.append(_("Very easy"))
        if s.discrimination is not None:
            if s.discrimination < 0:
                flags.append(_("Negative discrimination: check the key"))
            elif s.discrimination < WEAK_BELOW:
                flags.append(_("Weak discrimination"))
        return flags


@dataclass
class QuizAnalysis:
    attempts: int
    mean_percent: Decimal | None
    questions: list[QuestionRow]


def _chosen(qtype: str, response: Response) -> frozenset:
    if qtype == QuestionType.SINGLE:
        return frozenset() if response.choice is None else frozenset({response.choice})
    if qtype == QuestionType.MULTIPLE:
        return frozenset(response.choices)
    if qtype == QuestionType.TRUE_FALSE:
        return frozenset() if response.truth is None else frozenset({response.truth})
    return frozenset()


def _declared_options(content: QuestionData) -> list[tuple[object, str, bool]]:
    if content.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return [(i, c.text, c.fraction > 0) for i, c in enumerate(content.choices)]
    if content.qtype == QuestionType.TRUE_FALSE:
        right = content.correct is True
        return [(True, _("True"), right), (False, _("False"), not right)]
    return []


def quiz_analysis(user, quiz: QuizPage) -> QuizAnalysis:
    """Facility, discrimination and option counts per question, over the graded attempts
    `user` may see. Three queries, whatever the number of attempts."""
    attempts = {
        pk: (score, percent)
        for pk, score, percent in visible_attempts(user)
        .filter(quiz=quiz, state=AttemptState.GRADED, max_score__gt=0)
        .values_list("pk", "score", "percent")
    }
    rows = AttemptItem.objects.filter(attempt_id__in=list(attempts)).values_list(
        "attempt_id", "version_id", "version__question_id", "position", "mark", "fraction",
        "response", "attempt__max_score",
    )  # fmt: skip
    records: dict[int, dict] = defaultdict(dict)
    maxima: dict[int, Decimal] = {}
    positions: dict[int, list[int]] = defaultdict(list)
    versions_of: dict[int, set[int]] = defaultdict(set)
    responses = []
    for attempt_id, version_id, question_id, position, mark, fraction, response, top in rows:
        maxima[attempt_id] = top
        positions[question_id].append(position)
        versions_of[question_id].add(version_id)
        responses.append((attempt_id, version_id, question_id, mark, fraction, response))
    latest = _latest_versions(versions_of)
    for attempt_id, _version_id, question_id, mark, fraction, response in responses:
        qtype = latest[question_id].qtype
        records[attempt_id][question_id] = analysis.ItemRecord(
            fraction=Fraction(fraction or 0),
            weight=Fraction(mark) / Fraction(maxima[attempt_id]),
            chosen=_chosen(qtype, response_from_json(response)),
        )
    declared = {qid: _declared_options(content) for qid, content in latest.items()}
    result = analysis.analyse(
        (
            analysis.AttemptRecord(
                total=Fraction(attempts[pk][0]) / Fraction(maxima[pk]), items=items
            )
            for pk, items in records.items()
        ),
        {qid: [key for key, _label, _right in opts] for qid, opts in declared.items()},
    )
    questions = []
    for qid, stats in result.questions.items():
        content = latest[qid]
        labels = {key: (label, right) for key, label, right in declared[qid]}
        options = [
            OptionRow(*labels.get(o.option, (str(o.option), False)), o.count, o.percent)
            for o in stats.options
        ]
        questions.append(
            QuestionRow(
                question_id=qid,
                title=content.name or strip_tags(content.text)[:80],
                qtype=str(content.qtype),
                text_format=str(content.text_format),
                position=round(sum(positions[qid]) / len(positions[qid])),
                stats=stats,
                options=options,
                versions=len(versions_of[qid]),
            )
        )
    questions.sort(key=lambda row: (row.position, row.question_id))
    percents = [percent for _score, percent in attempts.values()]
    mean = (
        (sum(percents) / len(percents)).quantize(grading.TENTH, ROUND_HALF_UP)
        if percents
        else None
    )
    return QuizAnalysis(attempts=len(records), mean_percent=mean, questions=questions)


def _latest_versions(versions_of: dict[int, set[int]]) -> dict[int, QuestionData]:
    """Each question's newest version among those shown: its texts label the table."""
    newest: dict[int, QuestionData] = {}
    ids = {v for vs in versions_of.values() for v in vs}
    for question_id, data in (
        QuestionVersion.objects.filter(pk__in=ids)
        .order_by("question_id", "-number")
        .values_list("question_id", "data")
    ):
        if question_id not in newest:
            newest[question_id] = QuestionData.from_dict(data)
    return newest


# Regrading ------------------------------------------------------------------------


@dataclass
class RegradePreview:
    answers: int  # submitted answers to the question
    attempts: int  # attempts they belong to
    changed: int  # attempts whose score the regrade would change
    essays: int  # answers graded by hand, which keep their scores
    problem: str = ""  # why the regrade cannot be done, if it cannot


def regrade_preview(question: Question) -> RegradePreview:
    """What `attempts.question_regrade` would do to the submitted answers, without doing it."""
    content = question.to_data()
    items = (
        AttemptItem.objects.filter(version__question=question)
        .exclude(attempt__state=AttemptState.IN_PROGRESS)
        .select_related("version")
    )
    answers, attempts, changed, essays, problem = 0, set(), set(), 0, ""
    for item in items.iterator(chunk_size=2000):
        answers += 1
        attempts.add(item.attempt_id)
        if reason := regrade_problem(item.version.content, content):
            problem = reason
            continue
        if content.qtype == QuestionType.ESSAY:
            essays += 1
            continue
        grade = grading.grade(content, response_from_json(item.response), item.mark)
        if (item.fraction, item.score) != (grade.fraction, grade.score):
            changed.add(item.attempt_id)
    return RegradePreview(answers, len(attempts), len(changed), essays, problem)


def grading_waiting_count(user) -> int:
    """How many answers wait in `user`'s grading queue. One query."""
    return grading_queue(user).order_by().count()
