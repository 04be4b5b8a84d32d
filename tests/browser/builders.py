"""Starting data shared by the browser tests, built with tests/factories.py and the services."""

from decimal import Decimal

from assessments.models import QuizPage, QuizSlot
from assessments.questions import services
from assessments.questions.data import Choice, QuestionType
from assessments.questions.data import Question as Q

CHECK = (
    "knowledge_check",
    {
        "question": "客户查询快件信息时,客服人员应在多长时间内回复?",
        "choices": [
            {"text": "5分钟内", "correct": True, "feedback": "正确,见手册3.1.4。"},
            {"text": "2小时内", "correct": False, "feedback": "2小时是上门收寄的时限。"},
        ],
        "explanation": "<p>手册3.1.4。</p>",
    },
)
RULE = ("key_rule", {"clause": "3.1.4", "rule": "客服人员应在5分钟内给予回复。", "note": ""})
LESSON_BODY = [("heading", "查询时效"), RULE, CHECK]


def module_test(course, *, title="客服测验", slug="quiz", **fields) -> QuizPage:
    """A two-question module test under `course` (single choice, true/false)."""
    questions = services.questions_import(
        [
            Q(
                QuestionType.SINGLE,
                "查询服务时效?",
                choices=(Choice("5分钟", Decimal(1)), Choice("2小时", Decimal(0))),
            ),
            Q(QuestionType.TRUE_FALSE, "异常应在2小时内联系客户。", correct=True),
        ],
        default_category=course.title,
    )
    fields = {"time_limit_minutes": 10, "shuffle_choices": False, **fields}
    quiz = QuizPage(title=title, slug=slug, **fields)
    course.add_child(instance=quiz)
    for n, question in enumerate(questions):
        QuizSlot.objects.create(quiz=quiz, question=question, sort_order=n)
    return quiz
