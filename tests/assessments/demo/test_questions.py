"""The demo question bank: written from the manual, every type, every module."""

from collections import Counter

import pytest

from assessments.demo import questions as demo_questions
from assessments.models import Question
from assessments.questions import gift
from assessments.questions.data import QuestionType

MODULES = {"公司文化及价值观", "客户服务知识", "业务流程与操作规范", "应急处理", "团队协作与沟通"}


def test_the_demo_file_covers_every_type_and_module():
    questions = gift.parse(demo_questions.QUESTIONS.read_bytes())
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
