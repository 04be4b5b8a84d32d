# ruff: noqa: RUF001 (full-width characters, on purpose)
"""Grading: what holds for every question and every response."""

import itertools
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from assessments.questions.data import (
    Choice,
    MatchPair,
    NumericAnswer,
    Question,
    QuestionType,
    Response,
)
from assessments.quizzes.grading import Grade, GradeState, grade, normalise_answer, parse_number

CENT = D("0.01")

marks = st.decimals(min_value=0, max_value=100, places=2)
weights = st.one_of(
    st.sampled_from([D(1), D("0.5"), D("0.3333333"), D("0.25"), D(0), D("-0.5"), D(-1)]),
    st.decimals(min_value=-1, max_value=1, places=4),
)
feedbacks = st.sampled_from(["", "对", "再想想"])
han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
words = st.text(
    alphabet=st.one_of(han, st.sampled_from("abcXYZ019 -.()*\\＊　ＡＢ")), min_size=1, max_size=10
)
choices = st.builds(Choice, words, weights, feedbacks)
numbers = st.decimals(min_value=-1000, max_value=1000, places=3)


@st.composite
def numeric_answers(draw):
    fraction = draw(weights)
    if draw(st.booleans()):
        low, high = draw(numbers), draw(numbers)
        return NumericAnswer(fraction, low=low, high=high)
    tolerance = draw(st.decimals(min_value=0, max_value=50, places=2))
    return NumericAnswer(fraction, value=draw(numbers), tolerance=tolerance)


@st.composite
def questions_and_responses(draw):
    """Any question with any response a form could send for it."""
    qtype = draw(st.sampled_from(QuestionType))
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.SHORT):
        question = Question(qtype, "?", choices=tuple(draw(st.lists(choices, min_size=1))))
    elif qtype == QuestionType.TRUE_FALSE:
        question = Question(qtype, "?", correct=draw(st.booleans()), true_feedback="t")
    elif qtype == QuestionType.NUMERICAL:
        question = Question(qtype, "?", numbers=tuple(draw(st.lists(numeric_answers()))))
    elif qtype == QuestionType.MATCHING:
        pairs = draw(st.lists(st.builds(MatchPair, st.sampled_from(["", "A", "B"]), words)))
        question = Question(qtype, "?", pairs=tuple(pairs))
    else:
        question = Question(qtype, "?")

    n = len(question.choices)
    if qtype == QuestionType.SINGLE:
        response = Response(choice=draw(st.none() | st.integers(0, n - 1)))
    elif qtype == QuestionType.MULTIPLE:
        response = Response(choices=draw(st.frozensets(st.integers(0, n - 1))))
    elif qtype == QuestionType.TRUE_FALSE:
        response = Response(truth=draw(st.none() | st.booleans()))
    elif qtype == QuestionType.MATCHING:
        prompts = [i for i, pair in enumerate(question.pairs) if pair.prompt]
        options = [""] + [pair.answer for pair in question.pairs]
        response = Response(
            matches=draw(st.dictionaries(st.sampled_from(prompts), st.sampled_from(options)))
            if prompts
            else {}
        )
    else:
        text = draw(st.one_of(words, numbers.map(str), st.sampled_from(["", "  ", "1,5", "２４"])))
        response = Response(text=text)
    return question, response


@given(questions_and_responses(), marks)
def test_a_score_is_always_between_0_and_the_mark(case, mark):
    question, response = case
    result = grade(question, response, mark)
    if question.qtype == QuestionType.ESSAY and result.state == GradeState.NEEDS_GRADING:
        assert (result.fraction, result.score) == (None, None)
        return
    assert 0 <= result.fraction <= 1
    assert 0 <= result.score <= mark
    assert result.score == (result.fraction * mark).quantize(CENT, rounding=ROUND_HALF_UP)
    assert result.score.as_tuple().exponent == -2
    assert all(result.feedback)
    if result.state == GradeState.UNANSWERED:
        assert (result.fraction, result.score, result.feedback) == (0, 0, ())


@settings(max_examples=50)  # a secondary property: keeps the suite fast
@given(questions_and_responses(), marks)
def test_grading_is_deterministic(case, mark):
    question, response = case
    first = grade(question, response, mark)
    assert grade(question, response, mark) == first
    assert Grade.from_dict(first.to_dict()) == first
    rebuilt = Question.from_dict(question.to_dict())
    assert grade(rebuilt, response, mark) == first


# --- Multiple choice -------------------------------------------------------------------


@st.composite
def multiple_choice(draw):
    """Right answers whose weights add up to exactly 100 %, and wrong ones below 0."""
    n_right = draw(st.integers(1, 5))
    cuts = sorted(draw(st.sets(st.integers(1, 99), min_size=n_right - 1, max_size=n_right - 1)))
    bounds = [0, *cuts, 100]
    right = [D(high - low) / 100 for low, high in itertools.pairwise(bounds)]
    wrong = draw(st.lists(st.decimals(min_value=-1, max_value=D("-0.01"), places=2), max_size=4))
    neutral = draw(st.lists(st.just(D(0)), max_size=2))
    fractions = draw(st.permutations(right + wrong + neutral))
    return Question(
        QuestionType.MULTIPLE,
        "?",
        choices=tuple(Choice(f"c{i}", fraction) for i, fraction in enumerate(fractions)),
    )


@given(multiple_choice(), marks)
def test_choosing_only_the_right_answers_gives_full_marks(question, mark):
    right = frozenset(i for i, choice in enumerate(question.choices) if choice.fraction > 0)
    result = grade(question, Response(choices=right), mark)
    assert (result.fraction, result.score) == (1, mark)


@given(multiple_choice(), marks, st.data())
def test_adding_a_wrong_choice_never_raises_the_score(question, mark, data):
    n = len(question.choices)
    wrong = [i for i, choice in enumerate(question.choices) if choice.fraction < 0]
    assume(wrong)
    chosen = data.draw(st.frozensets(st.integers(0, n - 1)))
    extra = data.draw(st.sampled_from(wrong))
    before = grade(question, Response(choices=chosen), mark)
    after = grade(question, Response(choices=chosen | {extra}), mark)
    assert after.score <= before.score
    assert after.fraction <= before.fraction


@given(multiple_choice(), marks, st.data())
def test_the_order_of_the_choices_in_a_response_does_not_matter(question, mark, data):
    n = len(question.choices)
    chosen = data.draw(st.lists(st.integers(0, n - 1), unique=True))
    shuffled = data.draw(st.permutations(chosen))
    assert grade(question, Response(choices=frozenset(chosen)), mark) == grade(
        question, Response(choices=frozenset(shuffled)), mark
    )


# --- Short answers ---------------------------------------------------------------------

# No `*` or `\` in the accepted answer here: those are wildcards and escapes.
plain_answers = st.text(
    alphabet=st.one_of(han, st.sampled_from("abcdefXYZ0123456789 -.,()/#")),
    min_size=1,
    max_size=16,
).filter(lambda text: normalise_answer(text) != "")


def full_width(char):
    return chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char


@st.composite
def variants(draw, answer):
    """The answer as someone might type it: any width, any case, any spacing."""
    out = []
    for char in answer:
        if char == " ":
            out.append(draw(st.sampled_from([" ", "  ", "\u3000", "\t", " \u3000 "])))
        else:
            case = draw(st.sampled_from([str, str.upper, str.lower]))
            width = draw(st.sampled_from([str, full_width]))
            out.append(width(case(char)))
    around = st.sampled_from(["", " ", "\u3000", "\n", "  \t"])
    return draw(around) + "".join(out) + draw(around)


@given(plain_answers, st.data())
def test_width_case_and_spacing_variants_of_an_accepted_answer_match(answer, data):
    typed_text = data.draw(variants(answer))
    question = Question(QuestionType.SHORT, "?", choices=(Choice(answer, D(1), "对"),))
    result = grade(question, Response(text=typed_text), D(1))
    assert (result.fraction, result.feedback) == (D(1), ("对",))


@settings(max_examples=50)  # a secondary property: keeps the suite fast
@given(plain_answers, plain_answers, plain_answers, st.data())
def test_a_wildcard_stands_for_any_run_of_characters(before, middle, after, data):
    question = Question(QuestionType.SHORT, "?", choices=(Choice(f"{before}*{after}", D(1)),))
    typed_text = data.draw(variants(before)) + middle + data.draw(variants(after))
    # Spaces next to the wildcard are part of the pattern, so keep them out of the way.
    assume(not before.endswith(" ") and not after.startswith(" "))
    assume(typed_text.strip() != "" and " " not in (middle[:1], middle[-1:]))
    assert grade(question, Response(text=typed_text), D(1)).fraction == D(1)


@settings(max_examples=50)  # a secondary property: keeps the suite fast
@given(st.lists(st.tuples(plain_answers, weights), min_size=1, max_size=5), st.data())
def test_the_best_matching_short_answer_wins(accepted, data):
    question = Question(
        QuestionType.SHORT, "?", choices=tuple(Choice(text, f) for text, f in accepted)
    )
    text = data.draw(st.sampled_from([text for text, _ in accepted]))
    best = max(f for other, f in accepted if normalise_answer(other) == normalise_answer(text))
    result = grade(question, Response(text=text), D(1))
    assert result.fraction == min(max(best, D(0)), D(1)).quantize(D("0.0000001")).normalize()


# --- Numbers ---------------------------------------------------------------------------


def write(value, style):
    """A number as a learner might type it."""
    text = format(value, "f")
    if style == "plus" and value >= 0:
        return "+" + text
    if style == "full_width":
        return "".join(full_width(char) for char in text)
    if style == "spaces":
        return f"  {text}\u3000"
    if style == "ideographic_point":
        return text.replace(".", "。")
    return text


styles = st.sampled_from(["plain", "plus", "full_width", "spaces", "ideographic_point"])


@given(numeric_answers(), styles, st.data())
def test_a_number_within_the_bounds_always_matches(answer, style, data):
    low, high = sorted(answer.bounds())
    value = data.draw(st.decimals(min_value=low, max_value=high, places=4))
    question = Question(QuestionType.NUMERICAL, "?", numbers=(answer,))
    assert parse_number(write(value, style)) == value
    result = grade(question, Response(text=write(value, style)), D(1))
    assert result.fraction == min(max(answer.fraction, D(0)), D(1)).normalize()


@given(numeric_answers(), styles, st.data())
def test_a_number_outside_the_bounds_never_matches(answer, style, data):
    answer = NumericAnswer(D(1), answer.value, answer.tolerance, answer.low, answer.high)
    low, high = sorted(answer.bounds())
    value = data.draw(
        st.decimals(max_value=low - D("0.0001"), places=4, allow_nan=False, allow_infinity=False)
        | st.decimals(
            min_value=high + D("0.0001"), places=4, allow_nan=False, allow_infinity=False
        )
    )
    question = Question(QuestionType.NUMERICAL, "?", numbers=(answer,))
    result = grade(question, Response(text=write(value, style)), D(1))
    assert (result.state, result.fraction) == (GradeState.GRADED, D(0))


@settings(max_examples=50)  # a secondary property: keeps the suite fast
@given(numbers, st.sampled_from([",", " ", "%", "元", "abc"]), st.data())
def test_thousands_separators_and_units_are_not_numbers(value, junk, data):
    text = format(value, "f")  # always has a decimal point, so at least 4 characters
    cut = data.draw(st.integers(1, len(text) - 1))
    assert parse_number(text[:cut] + junk + text[cut:]) is None
    if junk.strip():
        assert parse_number(text + junk) is None


# --- Matching --------------------------------------------------------------------------


@settings(max_examples=50)  # a secondary property: keeps the suite fast
@given(
    st.lists(st.tuples(words, words), min_size=1, max_size=6),
    st.lists(words, max_size=3),
    marks,
    st.data(),
)
def test_matching_scores_the_share_of_prompts_matched(pairs, distractors, mark, data):
    all_pairs = [MatchPair(f"P{i}", answer) for i, (_, answer) in enumerate(pairs)]
    all_pairs += [MatchPair("", text) for text in distractors]
    order = data.draw(st.permutations(range(len(all_pairs))))
    shuffled = tuple(all_pairs[i] for i in order)
    question = Question(QuestionType.MATCHING, "?", pairs=shuffled)
    prompts = [i for i, pair in enumerate(shuffled) if pair.prompt]
    options = [pair.answer for pair in shuffled]
    chosen = data.draw(st.dictionaries(st.sampled_from(prompts), st.sampled_from(options)))
    assume(chosen)
    right = sum(1 for i, text in chosen.items() if text == shuffled[i].answer)
    result = grade(question, Response(matches=chosen), mark)
    expected = (D(right) / len(prompts)).quantize(D("0.0000001"), rounding=ROUND_HALF_UP)
    assert result.fraction == expected
    everything = {i: shuffled[i].answer for i in prompts}
    assert grade(question, Response(matches=everything), mark).score == mark
