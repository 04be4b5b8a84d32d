# Chinese text is written with its own full-width punctuation.
# ruff: noqa: RUF001
"""A quiz for the benchmarks: a question bank of mixed types, a module test and open attempts.

`quiz_generate()` adds, to a database that `data.generate()` has filled, a bank of `questions`
objective questions (single and multiple choice, true/false, short answer, numerical, matching;
no essays, which would wait for a trainer), a timed module test under the first course that
draws `per_quiz` of them, an equal share from each module's category, and one started attempt
for each of `learners` active learners enrolled in that course.

The questions are the demo bank's (`assessments/demo/questions.gift`, written from the manual)
repeated with a number, and go in with `bulk_create`, each with its first version, as
`questions_import` would record it (the admin's search index is not updated: nothing here
searches). The attempts are started through `attempts.attempt_start`, so they are drawn as a
learner's would be. Calling it again returns what is there: the same bank and quiz, and each
learner's open attempt (a new one for a learner whose attempt was submitted).
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

BANK = "基准测试题库"
QUIZ_SLUG = "bench-module-test"
QUIZ_TITLE = "服务规范单元测验"
TIME_LIMIT_MINUTES = 60


@dataclass(frozen=True)
class QuizDataset:
    """What `quiz_generate()` made: the quiz, and the learners with their open attempts."""

    quiz_id: int
    questions: int
    per_quiz: int
    types: tuple[tuple[str, int], ...]  # (question type, how many in the bank), most first
    learner_ids: tuple[int, ...]
    attempt_ids: tuple[int, ...]  # in the learners' order
    time_limit_minutes: int = TIME_LIMIT_MINUTES


def demo_questions() -> dict[str, list]:
    """The demo bank's objective questions, by module (the first part of their category)."""
    from assessments.demo.questions import QUESTIONS
    from assessments.questions import gift
    from assessments.questions.data import QuestionType

    by_module: dict[str, list] = {}
    for question in gift.parse(QUESTIONS.read_bytes()):
        if question.qtype != QuestionType.ESSAY:
            by_module.setdefault(question.category.split("/")[0], []).append(question)
    return by_module


def _bank(questions: int):
    """The bank's categories (one per module, under BANK), filled with `questions` questions."""
    from assessments.models import Question, QuestionCategory, QuestionVersion

    top = QuestionCategory.objects.filter(parent=None, name=BANK).first()
    if top is not None:
        return list(top.children.order_by("pk"))
    templates = demo_questions()
    top = QuestionCategory.objects.create(name=BANK)
    categories = [QuestionCategory.objects.create(name=module, parent=top) for module in templates]
    made, versions = [], []
    for n in range(questions):
        # Module by module in turn, so that every category holds an equal share.
        category = categories[n % len(categories)]
        pool = templates[category.name]
        template = pool[(n // len(categories)) % len(pool)]
        data = dataclasses.replace(
            template, name=f"B{n + 1:04d} {template.name}", text=f"（{n + 1}）{template.text}"
        )
        question = Question(category=category)
        question.set_data(data)
        question.qtype = data.qtype.value  # what save() would set
        versions.append(question.to_data().to_dict())  # as question_record_version has it
        made.append(question)
    Question.objects.bulk_create(made)
    QuestionVersion.objects.bulk_create(
        QuestionVersion(question=question, number=1, data=data)
        for question, data in zip(made, versions, strict=True)
    )
    return categories


def _quiz(categories, per_quiz: int):
    """The module test under the first course: an equal share of `per_quiz` per category."""
    from assessments.models import QuizPage, QuizSlot
    from courses.models import CoursePage

    quiz = QuizPage.objects.filter(slug=QUIZ_SLUG).first()
    if quiz is not None:
        return quiz
    course = CoursePage.objects.live().order_by("path").first()
    if course is None:
        raise RuntimeError("quiz_generate() needs the courses of data.generate()")
    quiz = QuizPage(
        title=QUIZ_TITLE,
        slug=QUIZ_SLUG,
        intro="<p>本测验共50题，限时60分钟，答案随答随存。</p>",
        time_limit_minutes=TIME_LIMIT_MINUTES,
        pass_percent=Decimal(60),
    )
    course.add_child(instance=quiz)
    share, extra = divmod(per_quiz, len(categories))
    QuizSlot.objects.bulk_create(
        QuizSlot(quiz=quiz, category=category, count=share + (n < extra), sort_order=n)
        for n, category in enumerate(categories)
    )
    return quiz


@transaction.atomic
def quiz_generate(
    *,
    learners: int = 200,
    questions: int = 200,
    per_quiz: int = 50,
    exclude: tuple[int, ...] = (),
    seed: int = 2026,
) -> QuizDataset:
    """The bank, the quiz and an open attempt for each of `learners` learners (see above)."""
    from assessments.models import Question
    from assessments.quizzes.services import attempt_start
    from lms.models import User

    categories = _bank(questions)
    smallest = min(category.questions.count() for category in categories)
    if smallest * len(categories) < per_quiz:
        raise ValueError(f"{questions} questions are too few for a quiz of {per_quiz}")
    quiz = _quiz(categories, per_quiz)
    course = quiz.get_parent()
    people = list(
        User.objects.filter(is_active=True, enrolments__course_id=course.pk)
        .exclude(pk__in=exclude)
        .order_by("pk")[:learners]
    )
    if len(people) < learners:
        raise ValueError(f"only {len(people)} active learners are enrolled in {course.title}")
    attempt_ids = [
        attempt_start(quiz=quiz, user=user, rng=random.Random(seed + n)).pk
        for n, user in enumerate(people)
    ]
    types = Counter(
        Question.objects.filter(category__in=categories).values_list("qtype", flat=True)
    )
    return QuizDataset(
        quiz_id=quiz.pk,
        questions=sum(types.values()),
        per_quiz=per_quiz,
        types=tuple(types.most_common()),
        learner_ids=tuple(user.pk for user in people),
        attempt_ids=tuple(attempt_ids),
    )
