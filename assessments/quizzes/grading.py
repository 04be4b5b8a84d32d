# ruff: noqa: RUF001, RUF002, RUF003 (full-width characters, on purpose)
"""Grading one `Response` to one `Question`, as Moodle's quiz does.

Pure: plain data in, plain data out; no database. The only Django it touches is
`gettext` (and `strip_tags`) for the right-answer summary, in the active language.

    grade(question, response, mark, *, summary=True) -> Grade
    grade_manually(mark, score, comment="") -> Grade     # an essay, by a trainer
    attempt_total(grades) -> Decimal | None                # None while an essay waits
    percent(total, max_total) -> Decimal                   # one decimal place

Numbers
-------
- `Grade.fraction` is the share of the mark earned, clamped to 0..1 for the
  question as a whole and rounded half-up to 7 decimal places (Moodle stores
  fractions with 7 places, so 2 of 3 matching prompts is 0.6666667), written in
  its shortest form (`Decimal("1")`, `Decimal("0.5")`).
- `Grade.score` is `fraction × mark`, rounded half-up to 0.01.
- A mark (and a manual score) has at most two decimal places, so a score never
  rounds above its mark; anything else is a `ValueError`.

Per question type (where Moodle is ambiguous, or where we differ, it says so)
---------------------------------------------------------------------------
- single: the chosen choice's fraction, clamped to 0..1. Moodle lets a negative
  weight on a single-choice answer give the question a negative mark; here a
  question never gives less than 0 (negative weights only offset other choices
  within a multiple-choice question).
- multiple: the sum of the chosen choices' fractions, clamped to 0..1, exactly
  Moodle's `qtype_multichoice_multi_question::grade_response`. So ticking every box
  does not give full marks when the wrong boxes carry negative weights (e.g. two
  right at 50 % and two wrong at -50 %: all four is 0); ticking only the right ones
  gives the sum of their weights (full marks when they add up to 100 %, as Moodle's
  editor requires). Feedback: that of each chosen choice, in the question's order.
- true/false: 1 or 0; the feedback for the answer given ("true" or "false").
- short answer: the response and every accepted answer are normalised the same way
  (`normalise_answer`): NFKC (full-width letters, digits and spaces become
  half-width: "ＡＢＣ１２３" is "abc123"), case-folded, surrounding whitespace
  stripped and every internal run of whitespace collapsed to one space ("顺丰  速运"
  is "顺丰 速运"; "顺丰速运" stays different). Moodle only trims, NFC-normalises and
  optionally ignores case; case-sensitive answers are not offered here (GIFT has no
  way to ask for them). `*` in an accepted answer stands for any run of characters,
  including none, and `\\*` for a literal asterisk, as in Moodle; a full-width
  `＊` in the answer is a literal asterisk. An answer that is only `*` accepts any
  response (Moodle's catch-all, used for "wrong, because..." feedback). Moodle takes
  the *first* matching answer; here the matching answer with the best fraction
  wins (the first of equals), so the order the author wrote them in cannot cost a
  learner marks.
- numerical: the typed text is parsed by `parse_number`: NFKC first (full-width
  digits, "．", "－"), surrounding spaces ignored, an optional sign (also "−"
  U+2212), digits with one decimal point (also "。", which a Chinese keyboard
  types for "."), an optional exponent ("1.5e3"). A comma is NOT accepted, neither
  as thousands separator nor as decimal point: "1,500" is 1500 to a Chinese reader
  and 1.5 to a German one (Moodle guesses from the language pack), so it is better
  refused than misread. Spaces inside the number, units and "%" are refused too.
  An answer matches when the number is within its bounds, inclusive (value ±
  tolerance, or low..high, whichever way round they were written); the best
  fraction among matching answers wins (Moodle: the first). A non-empty response
  that is not a number is graded, fraction 0, like Moodle's final grading of an
  invalid number (state "graded", no special state); `validation_error` gives
  the page the message to show before the attempt is submitted. Moodle's
  relative and geometric tolerances do not exist in GIFT and are not supported.
- matching: `Response.matches` maps the index of a pair in `Question.pairs` (a pair
  with a prompt) to the answer text chosen for it. Each prompt scores 1/n (n = the
  number of pairs with a prompt) when the chosen text equals its pair's answer
  exactly (the page offers the answers as options, so no normalisation); pairs
  without a prompt are distractors, only ever options. Prompts left blank count as
  wrong, as in Moodle. Two prompts may share an answer text.
- essay: "needs_grading" with fraction and score None until a trainer calls
  `grade_manually`. A blank essay is "unanswered" (nothing to grade).
- unanswered (no choice, no text after normalisation, no match chosen): state
  "unanswered", fraction 0, score 0.00, no feedback; the right answer is still
  summarised for the review page.

A response naming a choice or a prompt the question doesn't have (an index out of
range, a distractor's index) is a `ValueError`: the form should never let one
through.

`Grade.feedback` holds the answer-specific feedback texts that apply (empty ones
dropped, each text once), as written (they may hold HTML in the question's format); the question's
general feedback is shown to everyone and is not repeated here.
`Grade.right_answer_summary` is plain text (tags stripped) in the language active
when grading; a page can also call `right_answer_summary(question)` when rendering.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from assessments.questions.data import (
    Choice,
    NumericAnswer,
    Question,
    QuestionType,
    Response,
    TextFormat,
)
from assessments.questions.data import Question as QuestionData
from lms.platform.wording import listed

CENT = Decimal("0.01")


TENTH = Decimal("0.1")


FRACTION_STEP = Decimal("0.0000001")  # 7 places, as Moodle stores fractions


ZERO = Decimal(0)


ONE = Decimal(1)


class GradeState(StrEnum):
    GRADED = "graded"
    NEEDS_GRADING = "needs_grading"  # an essay, waiting for a trainer
    UNANSWERED = "unanswered"


@dataclass(frozen=True)
class Grade:
    state: GradeState
    fraction: Decimal | None  # 0..1; None while an essay needs grading
    score: Decimal | None  # fraction × mark, 2 places; None while an essay needs grading
    feedback: tuple[str, ...] = ()
    right_answer_summary: str = ""

    @property
    def needs_grading(self) -> bool:
        return self.state == GradeState.NEEDS_GRADING

    def to_dict(self) -> dict:
        """JSON-ready: Decimals as strings."""
        return {
            "state": str(self.state),
            "fraction": None if self.fraction is None else str(self.fraction),
            "score": None if self.score is None else str(self.score),
            "feedback": list(self.feedback),
            "right_answer_summary": self.right_answer_summary,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Grade:
        return cls(
            state=GradeState(data["state"]),
            fraction=None if data.get("fraction") is None else Decimal(data["fraction"]),
            score=None if data.get("score") is None else Decimal(data["score"]),
            feedback=tuple(data.get("feedback", ())),
            right_answer_summary=data.get("right_answer_summary", ""),
        )


# --- Grading -------------------------------------------------------------------------


def grade(question: Question, response: Response, mark: Decimal, *, summary: bool = True) -> Grade:
    """Grade `response` to `question`, worth `mark` (0 or more, at most 2 places).

    With `summary=False` the grade's `right_answer_summary` is left empty, for a caller
    that keeps only the state, fraction and score (submitting an attempt): the summary is
    half the cost of grading.
    """
    mark = _check_mark(mark)
    summary = right_answer_summary(question) if summary else ""
    if question.qtype == QuestionType.ESSAY:
        if not response.text.strip():
            return _unanswered(summary)
        return Grade(GradeState.NEEDS_GRADING, None, None, (), summary)
    outcome = _GRADERS[question.qtype](question, response)
    if outcome is None:
        return _unanswered(summary)
    raw_fraction, feedback = outcome
    fraction = _fraction(raw_fraction)
    return Grade(
        GradeState.GRADED,
        fraction,
        _score(fraction, mark),
        once(feedback),
        summary,
    )


def once(texts: Iterable[str]) -> tuple[str, ...]:
    """The texts that say something, each once, in their order (choices given the same
    feedback show it once; texts differing only in spacing are the same)."""
    seen: set[str] = set()
    kept = []
    for text in texts:
        key = " ".join((text or "").split())
        if key and key not in seen:
            seen.add(key)
            kept.append(text)
    return tuple(kept)


def grade_manually(mark: Decimal, score: Decimal, *, comment: str = "") -> Grade:
    """A trainer's grade for an essay: `score` out of `mark`, 0 <= score <= mark.

    Both have at most two decimal places. The trainer's comment, if any, is the
    feedback.
    """
    mark = _check_mark(mark)
    score = _in_cents(_as_decimal(score, "score"), "score")
    if not ZERO <= score <= mark:
        raise ValueError(f"The score must be between 0 and {mark}, not {score}.")
    fraction = _fraction(score / mark) if mark else ZERO
    return Grade(
        GradeState.GRADED,
        fraction,
        score.quantize(CENT),
        (comment,) if comment else (),
    )


def attempt_total(grades: Iterable[Grade]) -> Decimal | None:
    """The sum of the scores, or None while any essay still needs grading."""
    total = ZERO.quantize(CENT)
    for item in grades:
        if item.state == GradeState.NEEDS_GRADING or item.score is None:
            return None
        total += item.score
    return total


def percent(total: Decimal, max_total: Decimal) -> Decimal:
    """`total` as a percentage of `max_total`, one decimal place, rounded half-up."""
    total = _as_decimal(total, "total")
    max_total = _as_decimal(max_total, "max_total")
    if max_total <= 0:
        raise ValueError(f"The maximum total must be positive, not {max_total}.")
    return (total * 100 / max_total).quantize(TENTH, rounding=ROUND_HALF_UP)


def validation_error(question: Question, response: Response) -> str | None:
    """What to tell the learner before submitting, as Moodle does; None if nothing.

    Only a numerical answer that isn't a number is worth a warning: it would be
    graded 0 however close it is.
    """
    if (
        question.qtype == QuestionType.NUMERICAL
        and response.text.strip()
        and parse_number(response.text) is None
    ):
        return _(
            "Please enter a number, such as 12.5: digits with a decimal point, "
            "without thousands separators or units."
        )
    return None


def _unanswered(summary: str) -> Grade:
    return Grade(GradeState.UNANSWERED, ZERO, ZERO.quantize(CENT), (), summary)


def _check_mark(mark) -> Decimal:
    mark = _as_decimal(mark, "mark")
    if mark < 0:
        raise ValueError(f"A mark cannot be negative: {mark}.")
    return _in_cents(mark, "mark")


def _in_cents(value: Decimal, name: str) -> Decimal:
    try:
        cents = value.quantize(CENT)
    except InvalidOperation:  # too many digits to have two decimal places
        raise ValueError(f"The {name} {value} is too large.") from None
    if cents != value:
        raise ValueError(f"A {name} has at most two decimal places, not {value}.")
    return value


def _as_decimal(value, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"The {name} must be a Decimal (or an int), not {value!r}.")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"The {name} must be a finite number, not {value}.")
    return value


def _fraction(raw: Decimal) -> Decimal:
    clamped = min(max(raw, ZERO), ONE)
    return clamped.quantize(FRACTION_STEP, rounding=ROUND_HALF_UP).normalize()


def _score(fraction: Decimal, mark: Decimal) -> Decimal:
    return (fraction * mark).quantize(CENT, rounding=ROUND_HALF_UP)


def _choice(question: Question, index: int) -> Choice:
    if isinstance(index, bool) or not isinstance(index, int):
        raise ValueError(f"A choice is given by its index, not {index!r}.")
    if not 0 <= index < len(question.choices):
        raise ValueError(f"Choice {index} is not one of this question's choices.")
    return question.choices[index]


def _grade_single(question: Question, response: Response):
    if response.choice is None:
        return None
    choice = _choice(question, response.choice)
    return choice.fraction, [choice.feedback]


def _grade_multiple(question: Question, response: Response):
    if not response.choices:
        return None
    chosen = [_choice(question, index) for index in sorted(response.choices)]
    return sum((choice.fraction for choice in chosen), ZERO), [c.feedback for c in chosen]


def _grade_true_false(question: Question, response: Response):
    if response.truth is None:
        return None
    if question.correct is None:
        raise ValueError("This true/false question doesn't say which answer is right.")
    fraction = ONE if response.truth == question.correct else ZERO
    return fraction, [question.true_feedback if response.truth else question.false_feedback]


def _grade_short(question: Question, response: Response):
    typed = normalise_answer(response.text)
    if not typed:
        return None
    best = _best(
        (choice.fraction, index, choice)
        for index, choice in enumerate(question.choices)
        if answer_matches(choice.text, typed)
    )
    if best is None:
        return ZERO, []
    return best.fraction, [best.feedback]


def _grade_numerical(question: Question, response: Response):
    if not normalise_answer(response.text):
        return None
    value = parse_number(response.text)
    if value is None:
        return ZERO, []
    best = _best(
        (answer.fraction, index, answer)
        for index, answer in enumerate(question.numbers)
        if _within(answer, value)
    )
    if best is None:
        return ZERO, []
    return best.fraction, [best.feedback]


def _grade_matching(question: Question, response: Response):
    chosen = {index: text for index, text in response.matches.items() if text}
    if not chosen:
        return None
    prompts = [index for index, pair in enumerate(question.pairs) if pair.prompt]
    for index in chosen:
        if index not in prompts:
            raise ValueError(f"Pair {index} is not one of this question's prompts.")
    if not prompts:
        return ZERO, []
    right = sum(1 for index in prompts if chosen.get(index) == question.pairs[index].answer)
    return Decimal(right) / Decimal(len(prompts)), []


_GRADERS = {
    QuestionType.SINGLE: _grade_single,
    QuestionType.MULTIPLE: _grade_multiple,
    QuestionType.TRUE_FALSE: _grade_true_false,
    QuestionType.SHORT: _grade_short,
    QuestionType.NUMERICAL: _grade_numerical,
    QuestionType.MATCHING: _grade_matching,
}


def _best(candidates):
    """The item with the highest fraction; the first of equals."""
    best = None
    for fraction, _index, item in candidates:
        if best is None or fraction > best[0]:
            best = (fraction, item)
    return None if best is None else best[1]


# --- Short answers -------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s+")


_WILDCARD = re.compile(r"(?<!\\)\*+")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = unicodedata.normalize("NFKC", text.casefold())
    return _WHITESPACE.sub(" ", text)


def normalise_answer(text: str) -> str:
    """A typed answer as it is compared: NFKC, case-folded, whitespace tidied."""
    return _fold(text).strip()


@lru_cache(maxsize=4096)
def _answer_pattern(answer: str) -> re.Pattern:
    # Split the author's text on unescaped `*` before normalising, so that a
    # full-width `＊` (which NFKC turns into `*`) stays a literal asterisk.
    bits = [_fold(bit.replace("\\*", "*")) for bit in _WILDCARD.split(answer)]
    bits[0] = bits[0].lstrip()
    bits[-1] = bits[-1].rstrip()
    return re.compile(".*".join(re.escape(bit) for bit in bits), re.DOTALL)


def answer_matches(answer: str, typed: str) -> bool:
    """Whether the accepted `answer` (which may hold `*`) accepts the typed text."""
    typed = normalise_answer(typed)
    return bool(typed) and _answer_pattern(answer).fullmatch(typed) is not None


# --- Numbers -------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def parse_number(text: str) -> Decimal | None:
    """The number typed, or None if it isn't one (see the module's docstring)."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = text.replace("\u2212", "-").replace("\u3002", ".")
    if not _NUMBER.fullmatch(text):
        return None
    return Decimal(text)


def _bounds(answer: NumericAnswer) -> tuple[Decimal, Decimal] | None:
    if answer.is_range:
        if answer.high is None:
            return None
        low, high = answer.low, answer.high
    else:
        if answer.value is None:
            return None
        tolerance = abs(answer.tolerance)
        low, high = answer.value - tolerance, answer.value + tolerance
    return min(low, high), max(low, high)


def _within(answer: NumericAnswer, value: Decimal) -> bool:
    bounds = _bounds(answer)
    return bounds is not None and bounds[0] <= value <= bounds[1]


# --- The right answer, for the review page -------------------------------------------


def right_answer_summary(question: Question) -> str:
    """A short plain-text statement of the right answer ("" when there is none)."""
    qtype = question.qtype
    if qtype == QuestionType.SINGLE:
        best = _best((c.fraction, i, c) for i, c in enumerate(question.choices))
        if best is None or best.fraction <= 0:
            return ""
        return _the_answer(_plain(question, best.text))
    if qtype == QuestionType.MULTIPLE:
        right = [_plain(question, c.text) for c in question.choices if c.fraction > 0]
        if len(right) == 1:
            return _the_answer(right[0])
        if right:
            return _("The correct answers are: %(answers)s") % {"answers": _join(right)}
        return ""
    if qtype == QuestionType.TRUE_FALSE:
        if question.correct is None:
            return ""
        return (
            _("The correct answer is 'True'.")
            if question.correct
            else _("The correct answer is 'False'.")
        )
    if qtype == QuestionType.SHORT:
        return _short_answer_summary(question)
    if qtype == QuestionType.NUMERICAL:
        best = _best((n.fraction, i, n) for i, n in enumerate(question.numbers) if _bounds(n))
        if best is None or best.fraction <= 0:
            return ""
        return _the_answer(_number_text(best))
    if qtype == QuestionType.MATCHING:
        pairs = [
            f"{_plain(question, p.prompt)} → {_plain(question, p.answer)}"
            for p in question.pairs
            if p.prompt
        ]
        return _the_answer(_join(pairs)) if pairs else ""
    return ""


def _short_answer_summary(question: Question) -> str:
    # The best answer, preferring one without wildcards; `*` is shown as "…".
    shown = []
    for index, choice in enumerate(question.choices):
        bits = [bit.replace("\\*", "*") for bit in _WILDCARD.split(choice.text)]
        text = "…".join(bits).strip()
        if choice.fraction > 0 and text.strip("…").strip():
            shown.append((choice.fraction, len(bits) > 1, index, text))
    if not shown:
        return ""
    best = max(shown, key=lambda item: (item[0], not item[1], -item[2]))
    return _the_answer(_plain(question, best[3]))


def _the_answer(text: str) -> str:
    return _("The correct answer is: %(answer)s") % {"answer": text}


def _join(texts: list[str]) -> str:
    """Answers in a list, joined as the reader's language joins them (as the learner's own
    answers are: `selectors.response_text`)."""
    return listed(texts)


def _plain(question: Question, text: str) -> str:
    if question.text_format in (TextFormat.MOODLE, TextFormat.HTML):
        text = html.unescape(strip_tags(text))
    return " ".join(text.split())


def _number_text(answer: NumericAnswer) -> str:
    low, high = _bounds(answer)
    if answer.is_range:
        return f"{_plain_number(low)}–{_plain_number(high)}"
    if answer.tolerance:
        return f"{_plain_number(answer.value)} ± {_plain_number(abs(answer.tolerance))}"
    return _plain_number(answer.value)


def _plain_number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def regrade_problem(old: QuestionData, new: QuestionData) -> str | None:
    """Why answers given to `old` cannot be graded again on `new`, or None if they can."""
    if (
        old.qtype == new.qtype
        and len(old.choices) == len(new.choices)
        and len(old.pairs) == len(new.pairs)
    ):
        return None
    return _(
        "Past attempts chose among other answers; add a new question instead of "
        "regrading this one."
    )
