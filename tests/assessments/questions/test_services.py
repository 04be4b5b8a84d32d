"""The question bank: plain data in and out of the models, versions, the admin."""

from decimal import Decimal

import pytest

from assessments.models import Question, QuestionCategory, QuestionVersion
from assessments.questions import services
from assessments.questions.data import Choice, MatchPair, NumericAnswer, QuestionType, TextFormat
from assessments.questions.data import Question as Q

pytestmark = pytest.mark.django_db

D = Decimal

EXAMPLES = [
    Q(
        QuestionType.SINGLE,
        "上门收寄最长不得超过预约时间后多久?",
        name="收寄时效",
        choices=(
            Choice("2小时", D(1), "对,见3.1.2。"),
            Choice("120分钟以内", D("0.5"), "意思对,但请用手册的说法。"),
            Choice("24小时", D(0), "这是派送时效。"),
        ),
        general_feedback="手册3.1.2。",
    ),
    Q(
        QuestionType.MULTIPLE,
        "哪些属于运输类投诉?",
        choices=(
            Choice("快递物品损坏", D("0.5")),
            Choice("快递丢失", D("0.5")),
            Choice("收费不合理", D("-1"), "这是其他类。"),
        ),
    ),
    Q(
        QuestionType.TRUE_FALSE,
        "客服应在5分钟内回复查询。",
        correct=True,
        false_feedback="见3.1.4。",
    ),
    Q(
        QuestionType.SHORT,
        "首问负责制的英文缩写?",
        choices=(Choice("FCR", D(1)), Choice("F*", D("0.5"))),
    ),
    Q(
        QuestionType.NUMERICAL,
        "派送时效是几小时?",
        numbers=(
            NumericAnswer(D(1), value=D(24)),
            NumericAnswer(D("0.5"), low=D(20), high=D(30), feedback="接近了。"),
            NumericAnswer(D(0), low=D("-Infinity"), high=D("Infinity"), feedback="再看看3.1.3。"),
        ),
    ),
    Q(
        QuestionType.MATCHING,
        "把投诉与类别配对。",
        pairs=(
            MatchPair("快递员态度差", "服务类"),
            MatchPair("包裹破损", "运输类"),
            MatchPair("物流信息不更新", "信息类"),
            MatchPair("", "其他类"),
        ),
    ),
    Q(QuestionType.ESSAY, "描述一次你处理客户投诉的经过。", text_format=TextFormat.MARKDOWN),
]


@pytest.mark.parametrize("data", EXAMPLES, ids=[e.qtype.value for e in EXAMPLES])
def test_every_type_goes_into_the_bank_and_comes_back_the_same(data):
    (question,) = services.questions_import([data], default_category="客户服务知识/投诉处理")
    question = Question.objects.get(pk=question.pk)
    assert question.qtype == data.qtype
    back = question.to_data()
    assert back == Q(**{**data.__dict__, "category": "客户服务知识/投诉处理"})
    assert question.versions.get().content == back


def test_the_admin_blocks_refuse_what_the_bank_cannot_hold():
    from django.core.exceptions import ValidationError

    from assessments.blocks import MatchingBlock, MultipleChoiceBlock, SingleChoiceBlock

    def clean(block, value):
        return block.clean(block.to_python(value))

    with pytest.raises(ValidationError):  # no right answer
        clean(SingleChoiceBlock(), {"choices": [{"text": "a", "weight": 50}, {"text": "b"}]})
    thirds = [{"text": t, "weight": D("33.33333")} for t in "abc"] + [
        {"text": "d", "weight": -100}
    ]
    assert clean(MultipleChoiceBlock(), {"choices": thirds})
    with pytest.raises(ValidationError):  # one prompt is not a matching question
        clean(
            MatchingBlock(),
            {"pairs": [{"prompt": "a", "answer": "1"}, {"answer": "2"}, {"answer": "3"}]},
        )


def test_editing_a_question_adds_a_version_and_keeps_the_old_one():
    (question,) = services.questions_import([EXAMPLES[0]], default_category="业务流程")
    first = question.versions.get()
    question.text = "上门收寄时效是多少?"
    question.save()
    second = services.question_record_version(question=question)
    assert second.number == 2 and second.content.text == "上门收寄时效是多少?"
    assert QuestionVersion.objects.get(pk=first.pk).content.text == EXAMPLES[0].text

    question.tags.add("时效")
    question.save()
    assert services.question_record_version(question=question) == second  # not a new version


def test_categories_are_found_or_made_by_path():
    leaf = services.category_for_path("客户服务知识/投诉处理")
    assert services.category_for_path(" 客户服务知识 / 投诉处理 ") == leaf
    assert leaf.full_path == "客户服务知识/投诉处理"
    assert QuestionCategory.objects.count() == 2
    top = QuestionCategory.objects.get(parent=None)
    assert top.descendant_ids() == {top.pk, leaf.pk}


def test_trainers_search_and_filter_the_bank_in_the_admin(people, login):
    services.questions_import(EXAMPLES, default_category="客户服务知识")
    client = login(people["trainer"])
    listing = client.get("/cms/snippets/assessments/question/")
    assert listing.status_code == 200
    html = client.get("/cms/snippets/assessments/question/", {"q": "投诉"}).content.decode()
    assert "哪些属于运输类投诉" in html and "上门收寄" not in html
    html = client.get("/cms/snippets/assessments/question/", {"qtype": "essay"}).content.decode()
    assert "描述一次" in html and "上门收寄" not in html
    assert client.get("/cms/snippets/assessments/question/add/").status_code == 200


def test_learners_have_no_bank(people, login):
    assert login(people["learner"]).get("/cms/snippets/assessments/question/").status_code in (
        302,
        403,
    )
