# ruff: noqa: RUF001 (full-width characters, on purpose)
"""Grading one response to one question: worked examples, type by type."""

import json
from decimal import Decimal as D

import pytest
from django.utils import translation

from assessments.questions.data import (
    Choice,
    MatchPair,
    NumericAnswer,
    Question,
    QuestionType,
    Response,
    TextFormat,
)
from assessments.quizzes.grading import (
    Grade,
    GradeState,
    answer_matches,
    attempt_total,
    grade,
    grade_manually,
    normalise_answer,
    parse_number,
    percent,
    right_answer_summary,
    validation_error,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def single(*choices):
    return Question(QuestionType.SINGLE, "包裹破损时,首先应该?", choices=tuple(choices))


def multiple(*choices):
    return Question(QuestionType.MULTIPLE, "哪些物品禁止寄递?", choices=tuple(choices))


def short(*choices, **kwargs):
    return Question(QuestionType.SHORT, "公司名称?", choices=tuple(choices), **kwargs)


def numerical(*numbers):
    return Question(QuestionType.NUMERICAL, "投诉多少小时内回复?", numbers=tuple(numbers))


def typed(question, text, mark=D(1)):
    return grade(question, Response(text=text), mark)


# --- Single choice ---------------------------------------------------------------------


def test_single_choice_right_wrong_and_partial():
    q = single(
        Choice("拍照留证", D(1), "对,先留证据。"),
        Choice("直接签收", D(0), "不对。"),
        Choice("联系客服", D("0.5")),
    )
    right = grade(q, Response(choice=0), D(2))
    assert right == Grade(
        GradeState.GRADED, D(1), D("2.00"), ("对,先留证据。",), "The correct answer is: 拍照留证"
    )
    wrong = grade(q, Response(choice=1), D(2))
    assert (wrong.fraction, wrong.score, wrong.feedback) == (D(0), D("0.00"), ("不对。",))
    partial = grade(q, Response(choice=2), D(2))
    assert (partial.fraction, partial.score, partial.feedback) == (D("0.5"), D("1.00"), ())


def test_a_negative_single_choice_gives_zero_not_a_negative_mark():
    q = single(Choice("对", D(1)), Choice("大错", D("-0.5"), "扣分"))
    wrong = grade(q, Response(choice=1), D(4))
    assert (wrong.state, wrong.fraction, wrong.score, wrong.feedback) == (
        GradeState.GRADED,
        D(0),
        D("0.00"),
        ("扣分",),
    )


def test_single_choice_unanswered():
    q = single(Choice("对", D(1)), Choice("错", D(0)))
    assert grade(q, Response(), D(1)) == Grade(
        GradeState.UNANSWERED, D(0), D("0.00"), (), "The correct answer is: 对"
    )


@pytest.mark.parametrize("index", [2, -1, True, "0"])
def test_a_choice_the_question_does_not_have_is_an_error(index):
    q = single(Choice("对", D(1)), Choice("错", D(0)))
    with pytest.raises(ValueError):
        grade(q, Response(choice=index), D(1))


# --- Multiple choice -------------------------------------------------------------------


@pytest.fixture
def dangerous_goods():
    return multiple(
        Choice("锂电池(散装)", D("0.5"), "对:散装锂电池禁寄。"),
        Choice("易燃液体", D("0.5")),
        Choice("书籍", D("-0.5"), "书籍可以寄。"),
        Choice("衣服", D("-0.5")),
    )


def test_multiple_choice_only_the_right_ones_is_full_marks(dangerous_goods):
    result = grade(dangerous_goods, Response(choices=frozenset({0, 1})), D(2))
    assert (result.fraction, result.score) == (D(1), D("2.00"))
    assert result.feedback == ("对:散装锂电池禁寄。",)
    assert result.right_answer_summary == "The correct answers are: 锂电池(散装), 易燃液体"


def test_multiple_choice_ticking_everything_is_not_full_marks(dangerous_goods):
    everything = grade(dangerous_goods, Response(choices=frozenset(range(4))), D(2))
    assert (everything.fraction, everything.score) == (D(0), D("0.00"))
    # Feedback of every chosen choice, in the question's order.
    assert everything.feedback == ("对:散装锂电池禁寄。", "书籍可以寄。")


def test_multiple_choice_partial_and_offset(dangerous_goods):
    one_right = grade(dangerous_goods, Response(choices=frozenset({1})), D(2))
    assert (one_right.fraction, one_right.score) == (D("0.5"), D("1.00"))
    offset = grade(dangerous_goods, Response(choices=frozenset({1, 0, 3})), D(2))
    assert offset.fraction == D("0.5")
    # Only wrong ones: clamped to 0, never negative.
    assert grade(dangerous_goods, Response(choices=frozenset({2, 3})), D(2)).fraction == 0


def test_multiple_choice_weights_over_100_percent_are_clamped():
    q = multiple(Choice("a", D("0.6")), Choice("b", D("0.6")))
    assert grade(q, Response(choices=frozenset({0, 1})), D(1)).fraction == D(1)


def test_multiple_choice_thirds_round_to_full_marks():
    third = D("0.3333333")
    q = multiple(Choice("a", third), Choice("b", third), Choice("c", third), Choice("d", D(-1)))
    result = grade(q, Response(choices=frozenset({0, 1, 2})), D(3))
    assert result.fraction == D("0.9999999")
    assert result.score == D("3.00")


def test_multiple_choice_unanswered_and_out_of_range(dangerous_goods):
    assert grade(dangerous_goods, Response(), D(1)).state == GradeState.UNANSWERED
    with pytest.raises(ValueError):
        grade(dangerous_goods, Response(choices=frozenset({0, 4})), D(1))


def test_a_multiple_choice_question_with_one_right_answer_says_answer_not_answers():
    q = multiple(Choice("a", D(1)), Choice("b", D("-1")))
    assert right_answer_summary(q) == "The correct answer is: a"


# --- True / false ----------------------------------------------------------------------


def test_true_false():
    q = Question(
        QuestionType.TRUE_FALSE,
        "快件可以放在无人看管的门口。",
        correct=False,
        true_feedback="不可以:需要收件人同意。",
        false_feedback="正确。",
    )
    assert grade(q, Response(truth=False), D(1)) == Grade(
        GradeState.GRADED, D(1), D("1.00"), ("正确。",), "The correct answer is 'False'."
    )
    wrong = grade(q, Response(truth=True), D(1))
    assert (wrong.fraction, wrong.feedback) == (D(0), ("不可以:需要收件人同意。",))
    assert grade(q, Response(), D(1)).state == GradeState.UNANSWERED


def test_true_false_without_a_right_answer_is_an_error():
    q = Question(QuestionType.TRUE_FALSE, "?")
    with pytest.raises(ValueError):
        grade(q, Response(truth=True), D(1))


# --- Short answer ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed_text",
    ["abc123", "ＡＢＣ１２３", "  AbC123\t", "\u3000ａｂｃ123\u3000", "ABC123\n"],
)
def test_short_answer_width_case_and_surrounding_space_do_not_matter(typed_text):
    assert typed(short(Choice("ABC123", D(1))), typed_text).fraction == D(1)


def test_short_answer_internal_spaces_are_collapsed_not_removed():
    q = short(Choice("顺丰 速运", D(1)))
    assert typed(q, "顺丰  速运").fraction == D(1)
    assert typed(q, "顺丰\u3000速运").fraction == D(1)
    assert typed(q, "顺丰速运").fraction == D(0)


def test_short_answer_wildcards():
    q = short(Choice("*签收*", D(1)))
    assert typed(q, "请本人签收").fraction == D(1)
    assert typed(q, "签收").fraction == D(1)  # a * may match nothing
    assert typed(q, "拒收").fraction == D(0)
    middle = short(Choice("SF*Express", D(1)))
    assert typed(middle, "sf  express").fraction == D(1)
    assert typed(middle, "sf-EXPRESS").fraction == D(1)
    assert typed(middle, "sf express co").fraction == D(0)
    assert answer_matches("a**b", "a-b")  # a run of asterisks is one wildcard


def test_short_answer_escaped_and_full_width_asterisks_are_literal():
    escaped = short(Choice("5\\*3", D(1)))
    assert typed(escaped, "5*3").fraction == D(1)
    assert typed(escaped, "513").fraction == D(0)
    full_width = short(Choice("5＊3", D(1)))
    assert typed(full_width, "5*3").fraction == D(1)
    assert typed(full_width, "5x3").fraction == D(0)


def test_short_answer_regex_characters_are_plain_text():
    q = short(Choice("a.c (1+1)?", D(1)))
    assert typed(q, "A.C (1+1)?").fraction == D(1)
    assert typed(q, "abc (11)").fraction == D(0)


def test_short_answer_best_fraction_wins_and_catch_all_gives_feedback():
    q = short(
        Choice("*", D(0), "再想想:是公司全称。"),
        Choice("顺丰", D("0.5"), "简称,半分。"),
        Choice("顺丰*", D(1), "对。"),
    )
    assert typed(q, "顺丰速运").feedback == ("对。",)
    best = typed(q, "顺丰")  # matches all three; the best fraction wins, not the first
    assert (best.fraction, best.feedback) == (D(1), ("对。",))
    assert typed(q, "圆通").feedback == ("再想想:是公司全称。",)
    assert typed(q, "圆通").fraction == D(0)


def test_short_answer_no_match_and_unanswered():
    q = short(Choice("顺丰", D(1), "对"))
    assert typed(q, "中通") == Grade(
        GradeState.GRADED, D(0), D("0.00"), (), "The correct answer is: 顺丰"
    )
    assert typed(q, " \u3000 ").state == GradeState.UNANSWERED


def test_short_answer_summary_prefers_an_answer_without_wildcards():
    q = short(Choice("*签收*", D(1)), Choice("签收", D(1)), Choice("*", D(0)))
    assert right_answer_summary(q) == "The correct answer is: 签收"
    only_wildcards = short(Choice("*", D(0)), Choice("SF*Express", D(1)))
    assert right_answer_summary(only_wildcards) == "The correct answer is: SF…Express"
    assert right_answer_summary(short(Choice("*", D(1)))) == ""


def test_summaries_are_plain_text():
    q = short(Choice("<b>顺丰</b> &amp; 速运", D(1)), text_format=TextFormat.HTML)
    assert right_answer_summary(q) == "The correct answer is: 顺丰 & 速运"
    markdown = short(Choice("**顺丰**", D(1)), text_format=TextFormat.MARKDOWN)
    assert right_answer_summary(markdown) == "The correct answer is: …顺丰…"


def test_normalise_answer():
    assert normalise_answer("  ＳＦ　Express \n Co. ") == "sf express co."
    assert normalise_answer("Straße") == normalise_answer("STRASSE")


# --- Numerical -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("24", D(24)),
        (" 24 ", D(24)),
        ("２４", D(24)),
        ("+24.0", D(24)),
        ("24.", D(24)),
        (".5", D("0.5")),
        ("-0.5", D("-0.5")),
        ("－０．５", D("-0.5")),
        ("\u22120.5", D("-0.5")),
        ("2。5", D("2.5")),
        ("1.5e3", D(1500)),
        ("1E-2", D("0.01")),
    ],
)
def test_numbers_are_read_leniently(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text",
    ["", "abc", "1,500", "1,5", "1 500", "24小时", "50%", "--1", "1.2.3", "NaN", "Infinity"],
)
def test_not_numbers(text):
    assert parse_number(text) is None


def test_numerical_tolerance_is_inclusive():
    q = numerical(NumericAnswer(D(1), value=D(24), tolerance=D("0.5"), feedback="对"))
    for text in ["23.5", "24", "24.5"]:
        assert typed(q, text).fraction == D(1)
    for text in ["23.49", "24.51"]:
        assert typed(q, text).fraction == D(0)
    assert typed(q, "24").feedback == ("对",)
    assert right_answer_summary(q) == "The correct answer is: 24 ± 0.5"


def test_numerical_range_either_way_round():
    q = numerical(NumericAnswer(D(1), low=D(4), high=D(6)))
    reversed_range = numerical(NumericAnswer(D(1), low=D(6), high=D(4)))
    for question in (q, reversed_range):
        assert typed(question, "4").fraction == D(1)
        assert typed(question, "6").fraction == D(1)
        assert typed(question, "6.01").fraction == D(0)
    assert right_answer_summary(q) == "The correct answer is: 4–6"


def test_numerical_best_fraction_among_matching_answers_wins():
    q = numerical(
        NumericAnswer(D("0.5"), value=D(24), tolerance=D(12), feedback="大致对"),
        NumericAnswer(D(1), value=D(24), feedback="完全正确"),
    )
    exact = typed(q, "24", D(2))
    assert (exact.fraction, exact.score, exact.feedback) == (D(1), D("2.00"), ("完全正确",))
    close = typed(q, "30", D(2))
    assert (close.fraction, close.score, close.feedback) == (D("0.5"), D("1.00"), ("大致对",))
    assert right_answer_summary(q) == "The correct answer is: 24"


def test_a_numerical_answer_that_is_not_a_number_is_graded_zero_and_warned_about():
    q = numerical(NumericAnswer(D(1), value=D(1500)))
    for text in ["1,500", "一千五", "1500元"]:
        result = typed(q, text)
        assert (result.state, result.fraction) == (GradeState.GRADED, D(0))
        assert "number" in validation_error(q, Response(text=text))
    assert validation_error(q, Response(text="1500")) is None
    assert validation_error(q, Response(text="")) is None
    assert typed(q, "  ").state == GradeState.UNANSWERED


def test_a_malformed_numerical_answer_matches_nothing():
    q = numerical(NumericAnswer(D(1)))  # neither a value nor a range
    assert typed(q, "1").fraction == D(0)
    assert right_answer_summary(q) == ""


# --- Matching --------------------------------------------------------------------------


@pytest.fixture
def codes():
    return Question(
        QuestionType.MATCHING,
        "把异常代码和含义配对",
        pairs=(
            MatchPair("E01", "地址错误"),
            MatchPair("", "天气原因"),  # a distractor
            MatchPair("E02", "收件人拒收"),
            MatchPair("E03", "地址错误"),  # two prompts may share an answer
        ),
    )


def test_matching_scores_each_prompt(codes):
    all_right = {0: "地址错误", 2: "收件人拒收", 3: "地址错误"}
    assert grade(codes, Response(matches=all_right), D(3)).score == D("3.00")
    two = grade(codes, Response(matches={0: "地址错误", 2: "天气原因", 3: "地址错误"}), D(1))
    assert (two.fraction, two.score) == (D("0.6666667"), D("0.67"))
    one = grade(codes, Response(matches={0: "地址错误"}), D(1))  # the others left blank
    assert (one.fraction, one.score) == (D("0.3333333"), D("0.33"))
    summary = "The correct answer is: E01 → 地址错误, E02 → 收件人拒收, E03 → 地址错误"
    assert one.right_answer_summary == summary


def test_matching_unanswered_and_invalid(codes):
    assert grade(codes, Response(), D(1)).state == GradeState.UNANSWERED
    assert grade(codes, Response(matches={0: "", 2: ""}), D(1)).state == GradeState.UNANSWERED
    for index in (1, 4, -1):  # a distractor, out of range
        with pytest.raises(ValueError):
            grade(codes, Response(matches={index: "天气原因"}), D(1))


# --- Essays and manual grading ---------------------------------------------------------


def test_an_essay_needs_grading_until_a_trainer_grades_it():
    q = Question(QuestionType.ESSAY, "描述一次投诉处理的过程。")
    waiting = grade(q, Response(text="先道歉,再核实……"), D(10))
    assert waiting == Grade(GradeState.NEEDS_GRADING, None, None, (), "")
    assert waiting.needs_grading
    assert grade(q, Response(text="  "), D(10)).state == GradeState.UNANSWERED
    graded = grade_manually(D(10), D("7.5"), comment="步骤完整,语气可以更好。")
    assert graded == Grade(
        GradeState.GRADED, D("0.75"), D("7.50"), ("步骤完整,语气可以更好。",), ""
    )
    assert grade_manually(D(10), D(10)).fraction == D(1)
    assert grade_manually(D(3), D(1)).fraction == D("0.3333333")
    assert grade_manually(D(0), D(0)).fraction == D(0)
    assert grade_manually(D("2.50"), D("1.250")).score == D("1.25")  # trailing zeros are fine


@pytest.mark.parametrize(
    ("mark", "score", "error"),
    [
        (D(10), D("10.01"), ValueError),
        (D(10), D("-1"), ValueError),
        (D(10), D("7.555"), ValueError),
        (D(10), D("1e40"), ValueError),
        (D(10), D("NaN"), ValueError),
        (D(10), 7.5, TypeError),
        (D("-1"), D(0), ValueError),
    ],
)
def test_manual_grades_are_checked(mark, score, error):
    with pytest.raises(error):
        grade_manually(mark, score)


# --- Marks, totals and percentages ------------------------------------------------------


def test_scores_round_half_up_to_the_cent():
    q = single(Choice("a", D("0.5")), Choice("b", D("0.333")))
    assert grade(q, Response(choice=0), D("0.05")).score == D("0.03")  # 0.025
    assert grade(q, Response(choice=1), D(5)).score == D("1.67")  # 1.665
    assert grade(q, Response(choice=0), 3).score == D("1.50")  # an int mark is fine
    assert grade(q, Response(choice=0), D(0)).score == D("0.00")


@pytest.mark.parametrize(
    ("mark", "error"),
    [
        (D("-1"), ValueError),
        (D("1.005"), ValueError),
        (D("1e40"), ValueError),
        (D("Infinity"), ValueError),
        (1.5, TypeError),
        ("1", TypeError),
    ],
)
def test_marks_are_checked(mark, error):
    q = single(Choice("a", D(1)))
    with pytest.raises(error):
        grade(q, Response(choice=0), mark)


def test_attempt_total_waits_for_essays():
    graded = grade(single(Choice("a", D(1))), Response(choice=0), D("2.5"))
    unanswered = grade(single(Choice("a", D(1))), Response(), D(2))
    essay = grade(Question(QuestionType.ESSAY, "?"), Response(text="..."), D(5))
    assert attempt_total([graded, unanswered]) == D("2.50")
    assert attempt_total([graded, essay, unanswered]) is None
    assert attempt_total([graded, grade_manually(D(5), D(4))]) == D("6.50")
    assert attempt_total([]) == D("0.00")
    assert attempt_total(iter([graded, graded])) == D("5.00")


@pytest.mark.parametrize(
    ("total", "max_total", "expected"),
    [
        (D("2"), D("3"), D("66.7")),
        (D("1"), D("3"), D("33.3")),
        (D("1"), D("16"), D("6.3")),  # 6.25, half-up
        (D("0"), D("7"), D("0.0")),
        (D("7.5"), D("7.5"), D("100.0")),
        (D("59.95"), D("100"), D("60.0")),
    ],
)
def test_percent(total, max_total, expected):
    assert percent(total, max_total) == expected
    assert str(percent(total, max_total)) == str(expected)


def test_percent_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        percent(D(0), D(0))


def test_grades_go_to_json_and_back():
    q = single(Choice("对", D(1), "好"), Choice("错", D(0)))
    for result in [
        grade(q, Response(choice=0), D(2)),
        grade(q, Response(), D(2)),
        grade(Question(QuestionType.ESSAY, "?"), Response(text="x"), D(5)),
    ]:
        assert Grade.from_dict(json.loads(json.dumps(result.to_dict()))) == result


def test_summaries_follow_the_active_language():
    q = Question(QuestionType.TRUE_FALSE, "?", correct=True)
    with translation.override("en"):
        assert right_answer_summary(q) == "The correct answer is 'True'."
    with translation.override("zh-hans"):
        assert right_answer_summary(q)  # translated, or the English source until it is


def test_a_grade_without_the_summary_has_the_same_state_fraction_and_score():
    question = Question(
        QuestionType.SINGLE,
        "查询服务时效?",
        choices=(Choice("<b>5分钟</b>", D(1), "对"), Choice("2小时", D(0))),
    )
    for response in (Response(choice=0), Response(choice=1), Response()):
        full = grade(question, response, D(2))
        fast = grade(question, response, D(2), summary=False)
        assert (fast.state, fast.fraction, fast.score, fast.feedback) == (
            full.state,
            full.fraction,
            full.score,
            full.feedback,
        )
        assert full.right_answer_summary and fast.right_answer_summary == ""
