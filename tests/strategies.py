# ruff: noqa: RUF001 (full-width characters, on purpose)
"""Hypothesis strategies shared by the tests.

Questions: valid questions of every type, their texts full of GIFT's special characters and
Chinese (the GIFT and the spreadsheet tests). People: the inputs of the five-part assessment
for one person, in any order and amount (the arithmetic and the explanation tests).
"""

import datetime
from decimal import Decimal as D

from hypothesis import strategies as st

from assessments.questions.data import (
    Choice,
    MatchPair,
    NumericAnswer,
    Question,
    QuestionType,
    TextFormat,
)
from assessments.questions.spreadsheet import shares
from assessments.scoring.arithmetic import (
    MEASURES,
    Complaint,
    EfficiencyRow,
    Evaluation,
    Person,
    QuizAttempt,
    RequiredQuiz,
    Survey,
)

# Questions -----------------------------------------------------------------------------------

INF = D("Infinity")
WHITESPACE = " \t\n\r"

han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
specials = st.sampled_from(list("~=#{}:\\[]%-+'></*|_ \n\t,，;；、.$@TF&"))
plain = st.sampled_from(list("abcXYZ019 ?"))
alphabet = st.one_of(han, specials, plain)


def texts(min_size=1, max_size=16, chars=alphabet):
    """Trimmed texts (the parsers trim), empty only when min_size is 0."""
    return (
        st.text(chars, max_size=max_size)
        .map(lambda t: t.strip(WHITESPACE))
        .filter(lambda t: len(t) >= min_size)
    )


feedbacks = st.one_of(st.just(""), texts(max_size=10))
names = st.one_of(st.just(""), texts(max_size=10))
id_chars = st.one_of(han, st.sampled_from(list("abcXYZ019 -_.]'=+@\\#:{}")))
idnumbers = st.one_of(st.just(""), texts(max_size=10, chars=id_chars))
word_chars = st.one_of(han, st.sampled_from(list("abcXYZ019 -_.")))
tags = st.lists(texts(max_size=6, chars=word_chars), max_size=3, unique=True).map(tuple)
categories = st.one_of(
    st.just(""),
    st.lists(texts(max_size=6, chars=word_chars), min_size=1, max_size=3).map("/".join),
)
comment_chars = st.one_of(han, st.sampled_from(list("abc XYZ019:/~=#{}\\-")))
comments = st.one_of(
    st.just(""),
    st.lists(texts(max_size=12, chars=comment_chars), min_size=1, max_size=3)
    .map("\n".join)
    .filter(lambda c: not any(line.startswith("question:") for line in c.split("\n"))),
)
marks = st.one_of(st.just(D(1)), st.decimals(min_value="0.01", max_value="9999.99", places=2))
partial = st.sampled_from([D(0), D(0), D("0.5"), D("-0.25"), D("0.3333333"), D(-1), D(1)])
numbers = st.decimals(min_value=-100000, max_value=100000, places=4)


def common():
    return {
        "text": texts(),
        "name": names,
        "text_format": st.sampled_from(list(TextFormat)),
        "general_feedback": feedbacks,
        "category": categories,
        "tags": tags,
        "default_mark": marks,
        "comment": comments,
        "idnumber": idnumbers,
    }


@st.composite
def single(draw):
    count = draw(st.integers(2, 6))
    right = draw(st.integers(0, count - 1))
    choices = tuple(
        Choice(draw(texts()), D(1) if i == right else draw(partial), draw(feedbacks))
        for i in range(count)
    )
    return draw(
        st.builds(Question, st.just(QuestionType.SINGLE), choices=st.just(choices), **common())
    )


@st.composite
def multiple(draw):
    count = draw(st.integers(2, 6))
    right = draw(st.lists(st.integers(0, count - 1), min_size=1, max_size=count, unique=True))
    if draw(st.booleans()):
        weights = shares(len(right))
    else:  # 100 split into whole percents
        cuts = sorted(draw(st.lists(st.integers(1, 99), max_size=len(right) - 1, unique=True)))
        weights = [D(b - a) / 100 for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
        weights += [D(0)] * (len(right) - len(weights))
    fractions = dict(zip(sorted(right), weights, strict=True))
    choices = tuple(
        Choice(
            draw(texts()),
            fractions.get(i, draw(st.sampled_from([D(0), D(-1), D("-0.5"), D("-0.3333333")]))),
            draw(feedbacks),
        )
        for i in range(count)
    )
    choices = tuple(
        c
        if c.fraction > 0 or i in fractions
        else Choice(c.text, min(c.fraction, D(0)), c.feedback)
        for i, c in enumerate(choices)
    )
    return draw(
        st.builds(Question, st.just(QuestionType.MULTIPLE), choices=st.just(choices), **common())
    )


short = st.builds(
    Question,
    st.just(QuestionType.SHORT),
    choices=st.lists(st.builds(Choice, texts(), partial, feedbacks), min_size=1, max_size=4).map(
        tuple
    ),
    **common(),
)

true_false = st.builds(
    Question,
    st.just(QuestionType.TRUE_FALSE),
    correct=st.booleans(),
    true_feedback=feedbacks,
    false_feedback=feedbacks,
    **common(),
)


@st.composite
def numeric_answer(draw):
    fraction = draw(partial)
    feedback = draw(feedbacks)
    kind = draw(st.sampled_from(["value", "value", "range", "any"]))
    if kind == "any":
        return NumericAnswer(fraction, low=-INF, high=INF, feedback=feedback)
    if kind == "range":
        low, high = sorted([draw(numbers), draw(numbers)])
        return NumericAnswer(fraction, low=low, high=high, feedback=feedback)
    tolerance = draw(st.one_of(st.just(D(0)), st.decimals(min_value=0, max_value=100, places=3)))
    return NumericAnswer(fraction, value=draw(numbers), tolerance=tolerance, feedback=feedback)


numerical = st.builds(
    Question,
    st.just(QuestionType.NUMERICAL),
    numbers=st.lists(numeric_answer(), min_size=1, max_size=4)
    .filter(lambda numbers: any(n.low is None or n.low.is_finite() for n in numbers))
    .map(tuple),
    **common(),
)

prompts = texts().filter(lambda t: "->" not in t)
matching = st.builds(
    Question,
    st.just(QuestionType.MATCHING),
    pairs=st.tuples(
        st.lists(st.builds(MatchPair, prompts, texts()), min_size=2, max_size=4),
        st.lists(st.builds(MatchPair, st.just(""), texts()), max_size=2),
        st.lists(st.builds(MatchPair, prompts, texts()), min_size=0, max_size=1),
    )
    .map(lambda parts: tuple(parts[0] + parts[1] + parts[2]))
    .filter(lambda pairs: len(pairs) >= 3),
    **common(),
)

essay = st.builds(Question, st.just(QuestionType.ESSAY), **common())

questions = st.one_of(single(), multiple(), short, true_false, numerical, matching, essay)


# People to assess ----------------------------------------------------------------------------

T0 = datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC)

percents = st.decimals(min_value=0, max_value=100, places=1)


@st.composite
def attempts(draw, quiz_id):
    n = draw(st.integers(0, 3))
    return tuple(
        QuizAttempt(
            quiz_id * 10 + i,
            T0 + datetime.timedelta(days=draw(st.integers(0, 60))),
            draw(percents),
        )
        for i in range(n)
    )


@st.composite
def surveys(draw):
    scale = draw(st.sampled_from(["1-5", "0-10", "percent"]))
    high = {"1-5": 5, "0-10": 10, "percent": 100}[scale]
    low = 1 if scale == "1-5" else 0
    score = draw(st.decimals(min_value=low, max_value=high, places=1))
    source = draw(st.sampled_from(["questionnaire", "phone", "online", "mystery_shopper"]))
    return Survey(f"S{draw(st.integers(0, 10**6))}", source, scale, score)


@st.composite
def complaints(draw):
    received = T0 + datetime.timedelta(hours=draw(st.integers(0, 2000)))
    contact = draw(st.none() | st.integers(0, 72))
    return Complaint(
        f"C{draw(st.integers(0, 10**6))}",
        draw(st.sampled_from(["service", "transport", "information", "other"])),
        draw(st.booleans()),
        received,
        None if contact is None else received + datetime.timedelta(hours=contact),
        draw(st.none() | st.sampled_from(["7", "8"])),
    )


@st.composite
def efficiency_rows(draw):
    counts = {}
    for part, total in MEASURES.values():
        if total not in counts:
            counts[total] = draw(st.none() | st.integers(0, 500))
        value = counts[total]
        counts[part] = None if value is None else draw(st.none() | st.integers(0, value))
    return EfficiencyRow(T0.date() + datetime.timedelta(days=draw(st.integers(0, 90))), counts)


@st.composite
def evaluations(draw):
    maximum = draw(st.decimals(min_value=1, max_value=100, places=1))
    score = draw(st.decimals(min_value=0, max_value=maximum, places=1))
    source = draw(st.sampled_from(["drill", "team_project", "communication_case"]))
    return Evaluation(source, f"E{draw(st.integers(0, 10**6))}", score, maximum)


@st.composite
def people(draw):
    quiz_count = draw(st.integers(0, 3))
    quizzes = tuple(
        RequiredQuiz(q, f"quiz {q}", draw(st.sampled_from([D(1), D(2)])), draw(attempts(q)))
        for q in range(quiz_count)
    )
    return Person(
        position=draw(st.sampled_from(["courier", "customer_service", "station_staff", "hr"])),
        quizzes=quizzes,
        surveys=tuple(draw(st.lists(surveys(), max_size=6, unique_by=lambda s: s.reference))),
        complaints=tuple(
            draw(st.lists(complaints(), max_size=4, unique_by=lambda c: c.reference))
        ),
        efficiency=tuple(draw(st.lists(efficiency_rows(), max_size=6))),
        evaluations=tuple(
            draw(st.lists(evaluations(), max_size=4, unique_by=lambda e: e.reference))
        ),
        handled=tuple(draw(st.lists(complaints(), max_size=3, unique_by=lambda c: c.reference))),
    )
