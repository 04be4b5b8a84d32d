# ruff: noqa: RUF001 (full-width punctuation in the Chinese texts, on purpose)
"""A result's explanation in plain words (assessments/scoring/explain.py): no database."""

import datetime
import json
from dataclasses import replace
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.scoring.arithmetic import (
    DEFAULT_POLICY,
    PARTS,
    Complaint,
    EfficiencyRow,
    Evaluation,
    Person,
    QuizAttempt,
    RequiredQuiz,
    Survey,
    assess,
)
from assessments.scoring.explain import PARTS_AND_OVERALL, explain, reason_text
from tests.strategies import people as random_people

T0 = datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC)
D = Decimal
HOUR = datetime.timedelta(hours=1)

COURIER = Person(
    position="courier",
    quizzes=(
        RequiredQuiz(
            1, "服务规范测验", D(1), (QuizAttempt(11, T0, D(70)), QuizAttempt(12, T0, D(86)))
        ),
        RequiredQuiz(2, "入职考试", D(1), ()),
    ),
    surveys=(
        Survey("S1", "phone", "1-5", D(5)),
        Survey("S2", "phone", "percent", D(80)),
        Survey("S3", "mystery_shopper", "percent", D(85)),
    ),
    complaints=(
        # 5; late, but the late reply is its handler's (employee 7)
        Complaint("C-2026-0012", "service", True, T0, T0 + 30 * HOUR, "7"),
        Complaint("C-2026-0013", "transport", True, T0, T0 + HOUR, "7"),  # 3
        # not the company's fault, nobody handled it: said so, no penalty
        Complaint("C-2026-0014", "other", False, T0, None),
        # not the company's fault, handled: not in this courier's explanation
        Complaint("C-2026-0015", "information", False, T0, T0 + HOUR, "8"),
    ),
    handled=(
        Complaint("C-2026-0021", "service", False, T0, T0 + 26 * HOUR, "5"),  # late: 2
        Complaint("C-2026-0022", "other", True, T0, T0 + 2 * HOUR, "5"),  # in time
        Complaint("C-2026-0023", "transport", False, T0 + 90 * HOUR, None, "5"),  # awaiting
    ),
    efficiency=(
        EfficiencyRow(
            T0.date(),
            {
                "deliveries": 1200,
                "deliveries_on_time": 1130,
                "items_handled": 2000,
                "errors": 3,
                "pickups": 0,
                "pickups_on_time": 0,
            },
        ),
    ),
    evaluations=(
        Evaluation(
            "drill",
            "D1",
            D(82),
            D(100),
            "团队协作沟通演练",
            "团队协作沟通演练",
            datetime.date(2026, 10, 12),
        ),
        Evaluation(
            "drill",
            "D2",
            D(45),
            D(50),
            "电话投诉：情绪激动的客户",
            "投诉处理实战演练（浦东）",
            datetime.date(2026, 10, 14),
        ),
        Evaluation("team_project", "T1", D(4), D(5)),
    ),
)
AS_OF = T0 + 100 * HOUR  # the cycle's clock: C-2026-0023 is 10 hours old


def texts(part) -> list[str]:
    return [part.summary, *(line.text for line in part.lines)]


def by_part(explained):
    return {part.part: part for part in explained}


def test_a_courier_reads_every_part_in_plain_english():
    result = assess(COURIER, as_of=AS_OF)
    with translation.override("en"):
        parts = by_part(explain(result, DEFAULT_POLICY))
    assert list(parts) == list(PARTS_AND_OVERALL)

    knowledge = texts(parts["knowledge"])
    assert knowledge[0] == "The mean of 2 required quizzes: 43.0"
    assert "“服务规范测验”: the best of your attempts, 86.0" in knowledge
    assert "Required quiz “入职考试”: not attempted, so it counts 0" in knowledge
    assert [line.attention for line in parts["knowledge"].lines] == [False, True]

    satisfaction = texts(parts["satisfaction"])
    assert "Phone interview: 2 surveys, mean 90.0 of 100 (weight 1)" in satisfaction
    assert "Mystery shopping: 1 survey, mean 85.0 of 100 (weight 1)" in satisfaction
    assert "Complaint C-2026-0012 (Service), the company at fault: \u22125" in satisfaction
    assert "Complaint C-2026-0013 (Transport), the company at fault: \u22123" in satisfaction
    assert (
        "Complaint C-2026-0014 (Other), not the company's fault: no penalty. No handler is "
        "recorded for it, so its reply time is charged to no one (its first reply came after "
        "24 hours)."
    ) in satisfaction
    assert not any("C-2026-0015" in text for text in satisfaction)
    assert (
        "You handled 3 complaints: 1 first replied to after 24 hours, 1 awaiting a reply"
    ) in satisfaction
    assert (
        "Complaint C-2026-0021 (Service), which you handled: first reply after 24 hours: \u22122"
    ) in satisfaction
    assert (
        "Complaint C-2026-0023 (Transport), which you handled: awaiting a reply, less than 24 "
        "hours so far: no penalty"
    ) in satisfaction
    assert not any("C-2026-0022" in text for text in satisfaction)
    # (90 + 85) / 2 = 87.5, minus 5 + 3 (at fault) and 2 (handled, late)
    assert satisfaction[0] == "Survey mean 87.5, minus 10 for complaints: 77.5"

    efficiency = texts(parts["efficiency"])
    assert (
        "Deliveries within 24 hours: 1,130 of 1,200 = 94.2%; 75.0% scores 0 and 98.0% scores "
        "100 \u2192 83.3 (weight 2)"
    ) in efficiency
    assert (
        "Accuracy (items handled without error): 3 errors in 2,000 items handled = 99.9% right;"
        " 99.0% scores 0 and 99.9% scores 100 \u2192 94.4 (weight 1)"
    ) in efficiency
    assert "Pick-ups within 2 hours: no data in this cycle" in efficiency
    assert efficiency[0].startswith("The weighted mean of 2 measures with data")

    teamwork = texts(parts["teamwork"])
    assert teamwork == [
        "The mean of 3 evaluations: 84.0",
        "“团队协作沟通演练” (the session of Oct. 12, 2026): 82 of 100",
        "“电话投诉：情绪激动的客户” (session “投诉处理实战演练（浦东）” of Oct. 14, 2026): "
        "45 of 50 = 90.0",
        "Team project evaluation: 4 of 5 = 80.0",
    ]

    overall = parts["overall"]
    assert overall.summary.startswith("The weighted mean of the parts with data: (Knowledge 43.0")
    assert overall.summary.endswith(f"÷ 100 = {result.overall}")
    lines = [line.text for line in overall.lines]
    assert f"Grade: {'Pass' if result.grade == 'pass' else result.grade}" in lines[0]
    assert "Not eligible for a certificate yet:" in lines
    assert "Knowledge is below its floor of 60." in lines


def test_numbers_follow_the_language():
    with translation.override("zh-hans"):
        parts = by_part(explain(assess(COURIER, as_of=AS_OF), DEFAULT_POLICY))
    efficiency = texts(parts["efficiency"])
    assert any("1130" in text and "1200" in text for text in efficiency)
    assert not any("1,130" in text for text in efficiency)
    assert "《团队协作沟通演练》（2026年10月12日场次）：82 分（满分 100 分）" in texts(
        parts["teamwork"]
    )
    satisfaction = texts(parts["satisfaction"])
    assert any("待回复" in text and "C-2026-0023" in text for text in satisfaction)
    assert any("投诉处理人员" in text and "C-2026-0014" in text for text in satisfaction)


def test_not_applicable_is_told_apart_from_no_data():
    sorter = Person(
        position="station_staff",
        efficiency=(EfficiencyRow(T0.date(), {"items_handled": 1000, "errors": 0}),),
    )
    with translation.override("en"):
        parts = by_part(explain(assess(sorter), DEFAULT_POLICY))
    assert parts["satisfaction"].score_text == "Not applicable"
    assert parts["satisfaction"].not_applicable
    assert parts["satisfaction"].summary == (
        "Not applicable to this position: for Station staff, Customer satisfaction counts only "
        "when there is data, and this cycle has none."
    )
    assert parts["knowledge"].score_text == "No data" and not parts["knowledge"].not_applicable
    lines = [line.text for line in parts["overall"].lines]
    assert "Left out, as they have no data: Knowledge, Teamwork and communication" in lines
    assert (
        "Left out, as they do not apply to this position (the weights of the others count in "
        "full): Customer satisfaction"
    ) in lines
    assert "Customer satisfaction has no data." not in lines
    with translation.override("zh-hans"):
        parts = by_part(explain(assess(sorter), DEFAULT_POLICY))
    assert parts["satisfaction"].score_text == "不适用于该岗位"
    assert parts["knowledge"].score_text == "无数据"


def test_a_result_explained_before_handlers_and_bands_reads_as_it_did():
    """Finalised cycles keep their stored explanations: the old keys still read right."""
    stored = SimpleNamespace(
        knowledge=None,
        satisfaction=D("77.5"),
        efficiency=D("99.1"),
        teamwork=None,
        overall=D("88.3"),
        grade="good",
        eligible=False,
        reasons=["no_knowledge", "no_teamwork"],
        explanation={
            "satisfaction": {
                "sources": [{"source": "phone", "count": 1, "mean": "87.5", "weight": "1"}],
                "complaints": [
                    {
                        "reference": "C1",
                        "category": "service",
                        "late_reply": True,
                        "penalty": "7",
                    }
                ],
                "survey_mean": "87.5",
                "penalty": "7",
            },
            "efficiency": {
                "position": "courier",
                "measures": [
                    {
                        "measure": "deliveries",
                        "numerator": 1130,
                        "denominator": 1200,
                        "rate": "94.2",
                        "target": "95.0",
                        "score": "99.1",
                        "weight": "2",
                    }
                ],
            },
        },
    )
    with translation.override("en"):
        parts = by_part(explain(stored, DEFAULT_POLICY))
    assert (
        "Complaint C1 (Service), the company at fault: \u22125; first reply after 24 hours: "
        "\u22122 more"
    ) in texts(parts["satisfaction"])
    assert (
        "Deliveries within 24 hours: 1,130 of 1,200 = 94.2%, against a target of 95.0% "
        "\u2192 99.1 (weight 2)"
    ) in texts(parts["efficiency"])


def test_a_part_without_data_says_so_and_the_reasons_name_it():
    person = Person(position="courier", evaluations=(Evaluation("drill", "D1", D(95), D(100)),))
    with translation.override("en"):
        parts = by_part(explain(assess(person), DEFAULT_POLICY))
    assert parts["knowledge"].score_text == "No data"
    assert parts["knowledge"].summary == "No quiz is required in this cycle: no data."
    assert parts["satisfaction"].summary == "No customer survey in this cycle: no data."
    assert parts["efficiency"].summary == (
        "No efficiency data for the position Courier in this cycle: no data."
    )
    assert parts["overall"].summary == (
        "The weighted mean of the parts with data: (Teamwork and communication 95.0 \u00d7 20) "
        "÷ 20 = 95.0"
    )
    lines = [line.text for line in parts["overall"].lines]
    assert lines[0] == (
        "Left out, as they have no data: Knowledge, Customer satisfaction, Work efficiency"
    )
    assert "Grade: Excellent (90 and above)" in lines
    assert "Knowledge has no data." in lines


def test_the_stored_result_explains_like_the_computed_one_even_without_the_policy():
    computed = assess(COURIER, as_of=AS_OF)
    stored = SimpleNamespace(
        **{part: computed.score(part) for part in PARTS_AND_OVERALL},
        grade=computed.grade or "",
        eligible=computed.eligible,
        reasons=list(computed.reasons),
        explanation=json.loads(
            json.dumps({name: part.explanation for name, part in computed.parts.items()})
        ),
    )
    with translation.override("en"):
        assert explain(stored, DEFAULT_POLICY) == explain(computed, DEFAULT_POLICY)
        without = by_part(explain(stored))
    assert "Complaint C-2026-0012 (Service), the company at fault: \u22125" in texts(
        without["satisfaction"]
    )
    assert "Knowledge is below its floor." in texts(without["overall"])


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("no_knowledge", "Knowledge has no data."),
        ("no_teamwork", "Teamwork and communication has no data."),
        ("low_satisfaction", "Customer satisfaction is below its floor of 60."),
        ("low_efficiency", "Work efficiency is below its floor of 60."),
        ("low_overall", "The overall score is below the pass mark of 60."),
    ],
)
def test_every_reason_code_reads_as_a_sentence(code, words):
    with translation.override("en"):
        assert reason_text(code, DEFAULT_POLICY) == words


@settings(max_examples=150, deadline=None)
@given(
    random_people(),
    st.sampled_from(["best", "latest", "mean"]),
    st.sampled_from(["en", "zh-hans"]),
    st.booleans(),
)
def test_every_computed_result_explains_itself_in_both_languages(person, rule, language, full):
    policy = replace(DEFAULT_POLICY, attempt_rule=rule)
    result = assess(person, policy)
    with translation.override(language):
        parts = explain(result, policy if full else None)
    assert [part.part for part in parts] == list(PARTS_AND_OVERALL)
    for part in parts:
        assert part.summary and all(line.text for line in part.lines)
        assert (part.score is None) == (result.score(part.part) is None)
    overall = [line.text for line in parts[-1].lines]
    for code in result.reasons:
        assert code not in " ".join(overall)  # never the bare code
    for name in PARTS:
        if result.score(name) is None:
            assert parts[PARTS.index(name)].score_text != ""
