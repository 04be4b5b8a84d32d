"""The demo question bank: written from the manual, every type, every module; each
question cites the clauses it tests, which the demo lessons teach."""

import re
from collections import Counter

import pytest

from assessments.demo import certificates as demo_certificates
from assessments.demo import cycles as demo_cycles
from assessments.demo import questions as demo_questions
from assessments.demo import quizzes as demo_quizzes
from assessments.models import Question
from assessments.questions import gift
from assessments.questions.data import QuestionType
from courses.demo import learning_content
from tests.chinese_text import half_width_marks, texts_in

MODULES = {"公司文化及价值观", "客户服务知识", "业务流程与操作规范", "应急处理", "团队协作与沟通"}

# A question's tag naming a clause of the manual: "手册3.1.2".
CLAUSE_TAG = re.compile(r"手册(\d+(?:\.\d+){1,2})")


def bank():
    return gift.parse(demo_questions.QUESTIONS.read_bytes())


def clauses_of(question) -> list[str]:
    return [m.group(1) for tag in question.tags if (m := CLAUSE_TAG.fullmatch(tag))]


def test_the_demo_file_covers_every_type_and_module():
    questions = bank()
    assert len(questions) >= 60
    assert set(Counter(q.qtype for q in questions)) == set(QuestionType)
    per_module = Counter(q.category.split("/")[0] for q in questions)
    assert set(per_module) == MODULES
    assert min(per_module.values()) >= 10


@pytest.mark.django_db
def test_it_is_loaded_once():
    loaded = demo_questions.load_demo_questions()
    assert loaded == Question.objects.count() >= 60
    assert demo_questions.load_demo_questions() == 0
    assert Question.objects.filter(versions__isnull=True).count() == 0
    # The clause tags are kept: a trainer finds the questions on a clause by its tag.
    tagged = Question.objects.filter(tags__name__startswith="手册").distinct()
    assert tagged.count() == loaded
    assert Question.objects.filter(tags__name="手册4.3.1").count() == 4


def test_every_question_cites_a_clause_that_a_lesson_teaches():
    taught = {
        clause
        for course in learning_content.COURSES
        for lesson in course["lessons"]
        for clause in lesson["clauses"]
    }
    untaught = {}
    for question in bank():
        clauses = clauses_of(question)
        assert clauses, f"{question.name} cites no clause of the manual"
        assert len(clauses) == len(question.tags), question.tags
        if missing := set(clauses) - taught:
            untaught[question.name] = sorted(missing)
    assert untaught == {}


def test_no_half_marks_against_a_hard_time_limit():
    # 4.3.1: the complaint handler contacts the customer within 24 hours; 48 is late.
    [question] = [q for q in bank() if q.name == "投诉联系时效"]
    assert clauses_of(question) == ["4.3.1"]
    [right] = [n for n in question.numbers if n.fraction > 0]
    assert right.fraction == 1 and right.value == 24 and right.tolerance == 0
    assert not any(n.is_range and n.fraction > 0 for n in question.numbers)


def test_questions_quizzes_and_certificates_use_chinese_punctuation():
    texts = []
    for q in bank():
        texts += [q.name, q.text, q.general_feedback, q.category, q.comment]
        texts += [q.true_feedback, q.false_feedback]
        texts += [t for c in q.choices for t in (c.text, c.feedback)]
        texts += [t for p in q.pairs for t in (p.prompt, p.answer)]
        texts += [n.feedback for n in q.numbers]
    content = [
        texts,
        demo_quizzes.MODULE_TESTS,
        demo_quizzes.EXAM,
        demo_quizzes.WRONG_SHORT,
        demo_quizzes.WRONG_SHORT_DEFAULT,
        demo_quizzes.ESSAYS,
        demo_certificates.REVOKE_REASON,
        demo_certificates.REISSUE_REASON,
        demo_cycles.QUARTERLY_TEST,
    ]
    wrong = [mark for text in texts_in(content) for mark in half_width_marks(text)]
    assert wrong == []
