"""Importing the same file again: questions are found again (by ID number, or by title in
their category) and updated or left as they are, never copied."""

import uuid
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from assessments.models import Question, QuestionVersion
from assessments.questions import files, services
from assessments.questions.problems import QuestionImportError
from tests.assessments.questions.test_services import EXAMPLES
from tests.strategies import questions

pytestmark = pytest.mark.django_db

GIFT = """\
$CATEGORY: 客户服务知识/投诉处理

// [id:CS-1]
::收寄时效::上门收寄最长不得超过预约时间后多久?{=2小时 ~24小时}

::派送时效::快件到达目的地后,应在多少小时内完成派送?{#24}

// A description, which is skipped
第二部分:投诉

::投诉类别::下列哪些属于运输类投诉?{~%50%快递物品损坏 ~%50%快递丢失 ~%-100%收费不合理}
"""


def counts(report) -> tuple[int, int, int]:
    return len(report.added), len(report.updated), len(report.unchanged)


@pytest.mark.parametrize("kind", ["gift", "xml", "csv", "xlsx"])
def test_the_same_file_twice_adds_nothing_the_second_time(kind):
    first = services.questions_import_file("bank.gift", GIFT.encode())
    assert counts(first) == (3, 0, 0)
    assert [p.line for p in first.skipped] == [9]
    data = files.write([q.to_data() for q in first], kind)
    versions = QuestionVersion.objects.count()

    again = services.questions_import_file(f"bank.{kind}", data)

    assert counts(again) == (0, 0, 3)
    assert [q.pk for q in again] == [q.pk for q in first]
    assert Question.objects.count() == 3 and QuestionVersion.objects.count() == versions


def test_a_changed_question_is_updated_with_a_new_version_and_the_rest_left_alone():
    first = services.questions_import_file("bank.gift", GIFT.encode())
    edited = GIFT.replace("{=2小时 ~24小时}", "{=2小时 ~24小时 ~5分钟}").replace("{#24}", "{#24} ")
    edited += "\n::新题::客服应在5分钟内回复客户查询。{T}\n"

    again = services.questions_import_file("bank.gift", edited.encode())

    assert counts(again) == (1, 1, 2)
    (updated,) = again.updated
    assert updated.pk == first[0].pk and updated.idnumber == "CS-1"
    assert [v.number for v in updated.versions.order_by("number")] == [1, 2]
    assert len(updated.versions.latest("number").content.choices) == 3
    assert Question.objects.count() == 4


def test_the_id_number_finds_a_question_whose_title_changed():
    services.questions_import_file("bank.gift", GIFT.encode())
    again = services.questions_import_file(
        "bank.gift", GIFT.replace("::收寄时效::", "::上门收寄::").encode()
    )
    assert counts(again) == (0, 1, 2)
    assert again.updated[0].name == "上门收寄" and again.updated[0].idnumber == "CS-1"


def test_the_same_title_in_another_category_is_another_question():
    services.questions_import_file("bank.gift", GIFT.encode())
    other = GIFT.replace("投诉处理", "服务时效")
    again = services.questions_import_file("bank.gift", other.encode())
    assert counts(again) == (3, 0, 0)
    assert Question.objects.count() == 6


def test_questions_of_the_same_title_in_a_file_are_matched_one_to_one():
    twins = [replace(EXAMPLES[2], name="同名"), replace(EXAMPLES[2], name="同名", correct=False)]
    first = services.questions_import(twins, default_category="业务流程")
    again = services.questions_import(twins, default_category="业务流程")
    assert counts(again) == (0, 0, 2)
    assert [q.pk for q in again] == [q.pk for q in first]


def test_an_id_number_twice_in_a_category_is_refused_and_nothing_written():
    twice = [replace(EXAMPLES[0], idnumber="X-1"), replace(EXAMPLES[2], idnumber="X-1")]
    with pytest.raises(QuestionImportError) as caught:
        services.questions_import(twice, default_category="业务流程")
    assert "X-1" in caught.value.problems[0].message
    assert not Question.objects.exists()


def test_a_title_match_keeps_the_id_number_the_bank_gave():
    (question,) = services.questions_import(
        [replace(EXAMPLES[0], idnumber="CS-9")], default_category="业务流程"
    )
    again = services.questions_import([EXAMPLES[0]], default_category="业务流程")
    assert counts(again) == (0, 0, 1)
    question.refresh_from_db()
    assert question.idnumber == "CS-9"


def test_who_may_only_add_questions_cannot_change_them_by_a_re_import(people, english):
    from django.contrib.auth.models import Permission

    from tests.factories import staff

    adder = staff(people["learner"].org_unit, name="只能添加").user
    adder.user_permissions.add(Permission.objects.get(codename="add_question"))
    adder = type(adder).objects.get(pk=adder.pk)  # no cached permissions
    first = services.questions_import_file("bank.gift", GIFT.encode(), by=adder)
    assert counts(first) == (3, 0, 0)
    assert counts(services.questions_import_file("bank.gift", GIFT.encode(), by=adder)) == (
        0,
        0,
        3,
    )
    edited = GIFT.replace("{#24}", "{#48}") + "\n新题?{T}\n"
    with pytest.raises(QuestionImportError) as caught:
        services.questions_import_file("bank.gift", edited.encode(), by=adder)
    assert "may add questions but not change them" in caught.value.problems[0].message
    assert Question.objects.count() == 3
    assert first[1].versions.count() == 1


def test_an_id_number_held_by_a_question_matched_by_title_is_refused_not_a_crash():
    services.questions_import([replace(EXAMPLES[0], idnumber="CS-1")], default_category="业务流程")
    # The first row finds the question by its title (and keeps CS-1); the second brings CS-1
    # for another question.
    rows = [EXAMPLES[0], replace(EXAMPLES[2], idnumber="CS-1")]
    with pytest.raises(QuestionImportError) as caught:
        services.questions_import(rows, default_category="业务流程")
    assert "CS-1" in caught.value.problems[0].message
    assert Question.objects.count() == 1


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(questions, min_size=1, max_size=4))
def test_any_questions_imported_twice_are_unchanged_the_second_time(qs):
    top = f"t{uuid.uuid4().hex[:10]}"  # the examples share the database
    qs = [replace(q, category=f"{top}/{q.category}" if q.category else top) for q in qs]
    ids = [(q.category, q.idnumber) for q in qs if q.idnumber]
    assume(len(ids) == len(set(ids)))
    first = services.questions_import(qs)
    again = services.questions_import(qs)
    assert counts(again) == (0, 0, len(qs))
    assert [q.pk for q in again] == [q.pk for q in first]
