"""Reads for trainers and HR: quiz results, the grading queue, item analysis and the
preview of a regrade.

Everyone sees the attempts of the staff they may see (`lms.permissions`): HR and
administrators all, a trainer those of their org units (and their own).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Avg, Count, Q
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from wagtail.models import Page

from assessments import analysis, grading
from assessments.attempts import regrade_problem, response_from_json
from assessments.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    Question,
    QuestionVersion,
    QuizPage,
)
from assessments.questions import Question as QuestionData
from assessments.questions import QuestionType, Response
from assessments.selectors import response_text  # noqa: F401  (the grading page's)
from lms.permissions import StaffVisibility, person_visibility

# Item analysis flags, as Moodle's quiz statistics read them.
HARD_BELOW = Decimal(20)  # facility, percent
EASY_ABOVE = Decimal(90)
WEAK_BELOW = Decimal("0.2")  # discrimination index


def visible_attempts(user):
    return Attempt.objects.filter(person_visibility.q(user))


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


def may_grade(user, item: AttemptItem) -> bool:
    if item.attempt.user_id == user.pk:
        return False
    return person_visibility.allows(user, item.attempt.user.profile)


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
