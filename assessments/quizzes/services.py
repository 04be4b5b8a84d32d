"""Writes of an attempt: start (and draw), save an answer, submit and grade.

- Starting draws the questions once: fixed slots, then N at random from a
  category, each pinned to its current version, options shuffled if the quiz
  says so. A learner has at most one open attempt per quiz (a database
  constraint): starting again returns it.
- Saving an answer is one conditional UPDATE: it lands only while the attempt
  is open and before its deadline (plus a few seconds for the request in
  flight), so nothing is saved into a closed attempt; it share-locks the
  attempt row, so that it lands before a concurrent submit grades, or not at all.
- Submitting locks the attempt row, grades every item with the pure grader and
  writes the results in one UPDATE; a second submit (another tab, a double tap,
  the deadline sweep) finds the attempt closed and grades nothing again. A
  submit sent after the deadline (and its grace) closes the attempt at its
  deadline, as the sweep would.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models.bank import Question, QuestionVersion
from assessments.models.quizzes import Attempt, AttemptItem, AttemptState, QuizPage
from assessments.questions.data import Question as QuestionData
from assessments.questions.data import QuestionType
from assessments.questions.services import question_record_version
from assessments.quizzes import grading
from assessments.quizzes.grading import regrade_problem
from assessments.quizzes.permissions import GRACE, may_regrade, quiz_unavailable_reason
from assessments.quizzes.responses import response_from, response_from_json, response_to_json
from assessments.quizzes.selectors import AnswerTarget
from assessments.quizzes.signals import attempts_graded
from courses.learning.services import enrolment_refresh_completion
from courses.models.pages import CoursePage
from lms.audit import audit_record
from lms.models.audit import AuditAction


def attempt_start(*, quiz: QuizPage, user, now=None, rng: random.Random | None = None) -> Attempt:
    """The learner's open attempt at `quiz`, started (and drawn) if there is none."""
    now = now or timezone.now()
    attempts_close_overdue(quiz=quiz, user=user, now=now)
    current = (
        Attempt.objects.filter(quiz=quiz, user=user, state=AttemptState.IN_PROGRESS)
        .order_by()  # the default ordering would join the quiz's page
        .first()
    )
    if current is not None:
        return current
    reason = quiz_unavailable_reason(quiz, user, now=now)
    if reason:
        raise ValidationError(reason)
    drawn = draw(quiz, rng or random.SystemRandom())
    number = (
        Attempt.objects.filter(quiz=quiz, user=user).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    deadline = None
    if quiz.time_limit_minutes:
        deadline = now + datetime.timedelta(minutes=quiz.time_limit_minutes)
    if quiz.closes_at:
        deadline = min(deadline, quiz.closes_at) if deadline else quiz.closes_at
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                quiz=quiz,
                user=user,
                number=number,
                started_at=now,
                deadline=deadline,
                max_score=sum((mark for _version, mark, _order in drawn), Decimal(0)),
            )
            AttemptItem.objects.bulk_create(
                AttemptItem(
                    attempt=attempt,
                    position=position,
                    version=version,
                    mark=mark,
                    option_order=order,
                )
                for position, (version, mark, order) in enumerate(drawn, start=1)
            )
    except IntegrityError:
        # Two tabs started at once: the other one won; both get its attempt.
        return Attempt.objects.get(quiz=quiz, user=user, state=AttemptState.IN_PROGRESS)
    return attempt


def draw(quiz: QuizPage, rng: random.Random) -> list[tuple[QuestionVersion, Decimal, list[int]]]:
    """The questions of a new attempt: (version, mark, option order) in the order shown."""
    slots = list(quiz.slots.select_related("question", "category").order_by("sort_order"))
    chosen: list[tuple[int, Decimal | None]] = []
    taken: set[int] = {slot.question_id for slot in slots if slot.question_id}
    for slot in slots:
        if slot.question_id:
            chosen.append((slot.question_id, slot.mark))
            continue
        categories = (
            slot.category.descendant_ids() if slot.include_subcategories else {slot.category_id}
        )
        pool = sorted(
            set(
                Question.objects.filter(category_id__in=categories, archived=False)
                .exclude(pk__in=taken)
                .values_list("pk", flat=True)
            )
        )
        if len(pool) < slot.count:
            raise ValidationError(
                _("The category %(category)s has %(have)d questions; the quiz needs %(need)d.")
                % {"category": slot.category, "have": len(pool), "need": slot.count}
            )
        picked = rng.sample(pool, slot.count)
        taken.update(picked)
        chosen.extend((pk, slot.mark) for pk in picked)
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    versions = _current_versions([pk for pk, _mark in chosen])
    drawn = []
    for pk, mark in chosen:
        version = versions[pk]
        content = version.content
        mark = mark if mark is not None else content.default_mark
        drawn.append((version, mark, _option_order(content, quiz.shuffle_choices, rng)))
    return drawn


def _current_versions(question_ids: Sequence[int]) -> dict[int, QuestionVersion]:
    latest: dict[int, QuestionVersion] = {}
    for version in QuestionVersion.objects.filter(question_id__in=question_ids).order_by(
        "question_id", "-number"
    ):
        latest.setdefault(version.question_id, version)
    for question in Question.objects.filter(pk__in=set(question_ids) - set(latest)):
        latest[question.pk] = question_record_version(question=question)
    return latest


def _option_order(content: QuestionData, shuffle: bool, rng: random.Random) -> list[int]:
    if content.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        order = list(range(len(content.choices)))
    elif content.qtype == QuestionType.MATCHING:
        order = list(range(len(content.pairs)))  # the answers offered to every prompt
    else:
        return []
    if shuffle:
        rng.shuffle(order)
    return order


def answer_save(
    *, attempt: Attempt, position: int, data: dict, now=None, item: AttemptItem | None = None
) -> bool:
    """Save the answer to one question; False if the attempt has closed meanwhile.

    `item` is the attempt's item at `position` with its version, when the caller has read
    it already (`selectors.shown_items`).
    """
    if item is None:
        item = (
            AttemptItem.objects.filter(attempt=attempt, position=position)
            .select_related("version")
            .order_by()  # at most one; the default ordering would join the attempt
            .first()
        )
    if item is None:
        raise ValidationError(_("This question is not part of the attempt."))
    target = AnswerTarget(
        item_id=item.pk,
        attempt_id=attempt.pk,
        quiz_id=attempt.quiz_id,
        user_id=attempt.user_id,
        option_order=item.option_order,
        content=item.version.content,
    )
    return answer_save_to(target=target, data=data, now=now)


@dataclass(frozen=True)
class AnswersSaved:
    closed: bool  # the attempt closed meanwhile (its time was up): later answers were refused
    unreadable: tuple[int, ...]  # positions whose answer could not be read; the rest are saved


def answers_save(
    *, attempt: Attempt, answers: Sequence[tuple[AttemptItem, dict]], now=None
) -> AnswersSaved:
    """A page of answers sent at once (without JavaScript), each saved as `answer_save` saves
    one: an answer that cannot be read is named, and the others are kept."""
    closed = False
    unreadable = []
    for item, data in answers:
        try:
            closed |= not answer_save(
                attempt=attempt, position=item.position, data=data, item=item, now=now
            )
        except ValidationError:
            unreadable.append(item.position)
    return AnswersSaved(closed=closed, unreadable=tuple(unreadable))


def answer_save_to(*, target: AnswerTarget, data: dict, now=None) -> bool:
    """Save the answer to the item `target`; False if its attempt has closed meanwhile.
    One UPDATE (and, when refused, the attempt closed if its time is up)."""
    now = now or timezone.now()
    response = response_from(target.content, target.option_order, data)
    saved = _response_write(target.attempt_id, target.item_id, response_to_json(response), now)
    if not saved:
        attempts_close_overdue(quiz=target.quiz_id, user=target.user_id, now=now)
    return saved


def _response_write(attempt_id: int, item_id: int, response: dict, now) -> bool:
    """One statement: the item's response, written only while its attempt is open and
    before its deadline (plus GRACE).

    On PostgreSQL the attempt row is share-locked for the statement: a submit, which
    locks it for update, either waits for the answer (and grades it) or is waited for
    (and the answer is refused); never an answer written after its attempt was graded.
    SQLite lets one writer in at a time, so the same holds there without a lock.
    """
    items = connection.ops.quote_name(AttemptItem._meta.db_table)
    attempts = connection.ops.quote_name(Attempt._meta.db_table)
    lock = " FOR SHARE" if connection.vendor == "postgresql" else ""
    value = AttemptItem._meta.get_field("response").get_db_prep_value(response, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {items} SET response = %s, saved_at = %s "
            f"WHERE id = %s AND attempt_id = (SELECT id FROM {attempts} WHERE id = %s "
            f"AND state = %s AND (deadline IS NULL OR deadline >= %s){lock})",
            [
                value,
                connection.ops.adapt_datetimefield_value(now),
                item_id,
                attempt_id,
                AttemptState.IN_PROGRESS.value,
                connection.ops.adapt_datetimefield_value(now - GRACE),
            ],
        )
        return cursor.rowcount == 1


# Submitting and grading -----------------------------------------------------------


def attempt_submit(*, attempt: Attempt, now=None, auto: bool = False) -> Attempt:
    """Close and grade the attempt, once, whoever asks first."""
    user = attempt.user if Attempt.user.is_cached(attempt) else None
    return _submit(Attempt.objects.filter(pk=attempt.pk), now=now, auto=auto, user=user)


def attempt_submit_own(*, attempt_id: int, user, now=None) -> Attempt | None:
    """The learner's own submit of their attempt `attempt_id`; None if it is not theirs."""
    try:
        return _submit(Attempt.objects.filter(pk=attempt_id, user=user), now=now, user=user)
    except Attempt.DoesNotExist:
        return None


def _submit(attempt_query, *, now=None, auto: bool = False, user=None) -> Attempt:
    """Lock the attempt, grade its items with the pure grader and write the grades in
    one statement. A submit more than GRACE after the deadline closes the attempt at its
    deadline, as the deadline sweep would have."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = attempt_query.select_for_update(of=("self",)).select_related("quiz").get()
        if user is not None:
            locked.user = user  # the caller's, already read
        if locked.state != AttemptState.IN_PROGRESS:
            return locked
        if locked.deadline and now > locked.deadline + GRACE:
            auto = True
        grades, rows = [], []
        for pk, mark, response, data in (
            AttemptItem.objects.filter(attempt_id=locked.pk)
            .order_by()
            .values_list("pk", "mark", "response", "version__data")
        ):
            grade = grading.grade(
                QuestionData.from_dict(data), response_from_json(response), mark, summary=False
            )
            grades.append(grade)
            rows.append((pk, str(grade.state), grade.fraction, grade.score))
        _grades_write(rows)
        locked.submitted_at = min(now, locked.deadline) if auto and locked.deadline else now
        locked.auto_submitted = auto
        _set_result(locked, grades, now)
        locked.save(update_fields=_RESULT_FIELDS)
        if locked.passed:
            _refresh_course(locked)
        if locked.state == AttemptState.GRADED:
            attempts_graded.send(sender=Attempt, attempts=[locked])
    return locked


_RESULT_FIELDS = [
    "state",
    "submitted_at",
    "auto_submitted",
    "score",
    "percent",
    "passed",
    "graded_at",
]


def _grades_write(rows: list[tuple[int, str, Decimal | None, Decimal | None]]) -> None:
    """(item id, state, fraction, score) of every item, in one UPDATE."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        AttemptItem.objects.bulk_update(
            [AttemptItem(pk=pk, state=st, fraction=fr, score=sc) for pk, st, fr, sc in rows],
            ["state", "fraction", "score"],
        )
        return
    table = connection.ops.quote_name(AttemptItem._meta.db_table)
    values = ", ".join(["(%s::bigint, %s::varchar, %s::numeric, %s::numeric)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS item SET state = v.state, fraction = v.fraction, "
            f"score = v.score FROM (VALUES {values}) AS v(id, state, fraction, score) "
            "WHERE item.id = v.id",
            [value for row in rows for value in row],
        )


def _refresh_course(attempt: Attempt) -> None:
    """A passed module test may be what its course was waiting for."""
    quiz = attempt.quiz
    if not quiz.required_for_completion:
        return
    # The quiz's parent page, read as a course (a quiz may also sit in the course index).
    course = CoursePage.objects.filter(path=quiz.path[: -quiz.steplen]).first()
    if course is not None:
        enrolment_refresh_completion(user=attempt.user, course=course)


def _set_result(attempt: Attempt, grades: list[grading.Grade], now) -> None:
    total = grading.attempt_total(grades)
    if total is None:
        attempt.state = AttemptState.NEEDS_GRADING
        attempt.score = attempt.percent = attempt.passed = None
        return
    attempt.state = AttemptState.GRADED
    attempt.score = total
    attempt.percent = (
        grading.percent(total, attempt.max_score) if attempt.max_score else Decimal(100)
    )
    attempt.passed = attempt.percent >= attempt.quiz.pass_percent
    attempt.graded_at = now


def attempts_close_overdue(*, quiz: QuizPage | int | None = None, user=None, now=None) -> int:
    """Submit every open attempt whose deadline has passed, with what it saved by then;
    `quiz` and `user` (objects or ids) narrow it down. Returns how many were closed."""
    now = now or timezone.now()
    overdue = Attempt.objects.filter(state=AttemptState.IN_PROGRESS, deadline__lt=now - GRACE)
    if quiz is not None:
        overdue = overdue.filter(quiz=quiz)
    if user is not None:
        overdue = overdue.filter(user=user)
    closed = 0
    for attempt in overdue.order_by().only("pk"):
        attempt_submit(attempt=attempt, now=now, auto=True)
        closed += 1
    return closed


# Grading by hand and regrading ----------------------------------------------------


def _recompute(attempts: list[Attempt], now) -> None:
    """Totals, percent and pass of `attempts` from their items, in three queries."""
    ids = [a.pk for a in attempts]
    grades: dict[int, list[grading.Grade]] = {pk: [] for pk in ids}
    for attempt_id, state, fraction, score in AttemptItem.objects.filter(
        attempt_id__in=ids
    ).values_list("attempt_id", "state", "fraction", "score"):
        grades[attempt_id].append(grading.Grade(grading.GradeState(state), fraction, score))
    before = {a.pk: (a.state, a.score, a.passed) for a in attempts}
    for attempt in attempts:
        _set_result(attempt, grades[attempt.pk], now)
    Attempt.objects.bulk_update(attempts, ["state", "score", "percent", "passed", "graded_at"])
    for attempt in attempts:
        if attempt.passed:
            _refresh_course(attempt)
    # Final now, or final with another score: told once (the learning records).
    graded = [
        a
        for a in attempts
        if a.state == AttemptState.GRADED and before[a.pk] != (a.state, a.score, a.passed)
    ]
    if graded:
        attempts_graded.send(sender=Attempt, attempts=graded)


@transaction.atomic
def item_grade_manually(
    *, item: AttemptItem, score: Decimal, comment: str = "", by
) -> AttemptItem:
    """A trainer's score for an essay; the attempt is final once nothing waits for grading."""
    item = AttemptItem.objects.select_for_update().select_related("attempt__quiz").get(pk=item.pk)
    if item.attempt.state == AttemptState.IN_PROGRESS:
        raise ValidationError(_("The attempt has not been submitted yet."))
    try:
        grade = grading.grade_manually(item.mark, Decimal(score), comment=comment)
    except (ValueError, ArithmeticError) as error:
        raise ValidationError(
            _("Give a score from 0 to %(mark)s, with at most two decimals.") % {"mark": item.mark}
        ) from error
    now = timezone.now()
    item.state, item.fraction, item.score = str(grade.state), grade.fraction, grade.score
    item.graded_by, item.graded_at, item.grader_comment = by, now, comment
    item.save(
        update_fields=["state", "fraction", "score", "graded_by", "graded_at", "grader_comment"]
    )
    _recompute([item.attempt], now)
    audit_record(
        action=AuditAction.ANSWER_GRADED,
        actor=by,
        target=item.attempt,
        details={"position": item.position, "score": str(grade.score)},
    )
    return item


@transaction.atomic
def question_regrade(*, question: Question, by) -> int:
    """Grade every submitted answer to `question` again on its current version.

    For a trainer who fixed a wrong key. The new version must offer the same options
    (same type, same number of answers), since the learners chose among those; essays
    already graded by hand keep their scores. Returns how many attempts changed. A person
    (`by`) regrades only the answers of staff they see (`permissions.may_regrade`).
    """
    if by is not None and not may_regrade(by, question):
        raise PermissionDenied
    current = question_record_version(question=question, by=by)
    content = current.content
    items = list(
        AttemptItem.objects.select_for_update(of=("self",))
        .filter(version__question=question)
        .exclude(attempt__state=AttemptState.IN_PROGRESS)
        .select_related("version", "attempt__quiz")
    )
    for item in items:
        if problem := regrade_problem(item.version.content, content):
            raise ValidationError(problem)
    now = timezone.now()
    changed: dict[int, Attempt] = {}
    for item in items:
        if content.qtype == QuestionType.ESSAY:
            continue
        grade = grading.grade(content, response_from_json(item.response), item.mark)
        if (item.fraction, item.score) != (grade.fraction, grade.score):
            changed[item.attempt_id] = item.attempt
        item.version = current
        item.state, item.fraction, item.score = str(grade.state), grade.fraction, grade.score
    AttemptItem.objects.bulk_update(items, ["version", "state", "fraction", "score"])
    _recompute(list(changed.values()), now)
    audit_record(
        action=AuditAction.QUESTION_REGRADED,
        actor=by,
        target=question,
        details={"version": current.number, "answers": len(items), "attempts": len(changed)},
    )
    return len(changed)
