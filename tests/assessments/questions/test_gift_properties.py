"""GIFT: what holds for every question and every text.

The questions are tests/strategies.py's: valid questions of every type, their texts full of
GIFT's special characters and Chinese.
"""

import contextlib

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from assessments.questions.gift import GiftError, parse, write
from assessments.questions.problems import Limits, question_problems
from tests.strategies import questions


@given(questions)
def test_generated_questions_are_valid(question):
    with translation.override("en"):
        assert question_problems(question) == []


@given(st.lists(questions, min_size=1, max_size=4))
def test_round_trip(qs):
    assert parse(write(qs)) == qs


@given(st.lists(questions, min_size=1, max_size=3))
def test_round_trip_as_bytes_with_windows_line_ends(qs):
    data = ("\ufeff" + write(qs).replace("\n", "\r\n")).encode("utf-8")
    assert parse(data) == qs


gift_tokens = st.sampled_from(
    [
        "{", "}", "~", "=", "#", "####", "->", "::", "\\", "\n", "\n\n", "//", " ", "%50%",
        "%-100%", "%150%", "T", "TRUE", "F", "[html]", "[HTML]", "[md]", "$CATEGORY: a/b\n",
        "[id:a\\]b]", "// [id:x] [tag:y\\]]\n", "::t", "\\]",
        "#5:1", "..", ":", "*", "5", "-3", "1e3", "a", "题", "_____", "[tag:x]", "[mark:2]",
    ]
)  # fmt: skip
gift_like = st.lists(st.one_of(gift_tokens, st.text(max_size=3)), max_size=40).map("".join)


@given(st.one_of(st.text(), gift_like))
def test_parse_raises_nothing_but_gift_error(text):
    try:
        questions = parse(text)
    except GiftError as error:
        assert error.problems
        assert all(p.line >= 0 and p.message for p in error.problems)
    else:
        # What parses is valid, and writes back to itself.
        with translation.override("en"):
            assert all(question_problems(q) == [] for q in questions)
        assert parse(write(questions)) == questions


@given(st.binary())
def test_parse_bytes_raises_nothing_but_gift_error(data):
    with contextlib.suppress(GiftError):
        parse(data)


@given(st.one_of(st.text(), gift_like), st.integers(1, 4), st.integers(1, 200))
def test_what_parses_within_limits_is_within_them(text, most, chars):
    try:
        questions = parse(text, limits=Limits(questions=most, chars=chars))
    except GiftError as error:
        assert error.problems
    else:
        assert len(questions) <= most and len(text) <= chars
