"""Questions and responses as plain data: the contract between the parsers, the
grader, the models and the pages.

Pure: no Django, no database. The GIFT and table parsers produce `Question`s,
the writers take them, the models store one `Question` per version as JSON
(`to_dict` / `from_dict`), and `assessments.quizzes.grading` grades a `Response` to a
`Question`.

Marks are `Decimal`. A *fraction* is the share of the question's mark an
answer earns: 1 is full marks, 0.5 half, -0.25 a penalty (negative marks, for
multiple choice), as in Moodle's GIFT weights (`~%50%...` is 0.5).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from enum import StrEnum


class QuestionType(StrEnum):
    SINGLE = "single"  # one right answer among several (radio buttons)
    MULTIPLE = "multiple"  # any number of answers, each with its weight (checkboxes)
    TRUE_FALSE = "truefalse"
    SHORT = "short"  # a typed answer, compared with the accepted answers
    NUMERICAL = "numerical"  # a number, exact, within a tolerance, or in a range
    MATCHING = "matching"  # each prompt matched with one of the answers
    ESSAY = "essay"  # free text, graded by hand


class TextFormat(StrEnum):
    """How a question's texts are written, as GIFT's `[format]` prefix says."""

    MOODLE = "moodle"  # GIFT's default: plain text that may hold some HTML
    HTML = "html"
    MARKDOWN = "markdown"
    PLAIN = "plain"


@dataclass(frozen=True)
class Choice:
    """An answer of a single, multiple or short-answer question."""

    text: str
    fraction: Decimal  # 1 = right; 0 = wrong; between: partial; below 0: a penalty
    feedback: str = ""


@dataclass(frozen=True)
class NumericAnswer:
    """An accepted number: `value` ± `tolerance`, or the range `low`..`high`.

    Exactly one of the two forms is used; `is_range` says which (GIFT writes
    `{#5:0.5}` for the first and `{#4..6}` for the second).
    """

    fraction: Decimal
    value: Decimal | None = None
    tolerance: Decimal = Decimal(0)
    low: Decimal | None = None
    high: Decimal | None = None
    feedback: str = ""

    @property
    def is_range(self) -> bool:
        return self.low is not None

    def bounds(self) -> tuple[Decimal, Decimal]:
        if self.is_range:
            return self.low, self.high
        return self.value - self.tolerance, self.value + self.tolerance


@dataclass(frozen=True)
class MatchPair:
    prompt: str  # may be empty: an extra answer that matches no prompt (a distractor)
    answer: str


@dataclass(frozen=True)
class Question:
    qtype: QuestionType
    text: str
    name: str = ""  # GIFT's ::title::
    text_format: TextFormat = TextFormat.MOODLE
    general_feedback: str = ""
    # single, multiple, short
    choices: tuple[Choice, ...] = ()
    # true/false
    correct: bool | None = None
    true_feedback: str = ""  # shown when the learner answers "true"
    false_feedback: str = ""  # shown when the learner answers "false"
    # numerical
    numbers: tuple[NumericAnswer, ...] = ()
    # matching
    pairs: tuple[MatchPair, ...] = ()
    # where it lives and how it is found
    category: str = ""  # a path, "客户服务知识/投诉处理", as GIFT's $CATEGORY: gives it
    tags: tuple[str, ...] = ()
    default_mark: Decimal = Decimal(1)
    # GIFT comments (// ...) just above the question, kept for a faithful export
    comment: str = ""
    # Moodle's ID number (GIFT's // [id:…]): finds the question again when a file is re-imported
    idnumber: str = ""

    def to_dict(self) -> dict:
        """JSON-ready: Decimals as strings."""
        return _jsonable(asdict(self))

    @classmethod
    def from_dict(cls, data: dict) -> Question:
        return cls(
            qtype=QuestionType(data["qtype"]),
            text=data["text"],
            name=data.get("name", ""),
            idnumber=data.get("idnumber", ""),
            text_format=TextFormat(data.get("text_format", TextFormat.MOODLE)),
            general_feedback=data.get("general_feedback", ""),
            choices=tuple(
                Choice(c["text"], Decimal(c["fraction"]), c.get("feedback", ""))
                for c in data.get("choices", ())
            ),
            correct=data.get("correct"),
            true_feedback=data.get("true_feedback", ""),
            false_feedback=data.get("false_feedback", ""),
            numbers=tuple(
                NumericAnswer(
                    fraction=Decimal(n["fraction"]),
                    value=_dec(n.get("value")),
                    tolerance=Decimal(n.get("tolerance") or 0),
                    low=_dec(n.get("low")),
                    high=_dec(n.get("high")),
                    feedback=n.get("feedback", ""),
                )
                for n in data.get("numbers", ())
            ),
            pairs=tuple(MatchPair(p["prompt"], p["answer"]) for p in data.get("pairs", ())),
            category=data.get("category", ""),
            tags=tuple(data.get("tags", ())),
            default_mark=Decimal(data.get("default_mark", 1)),
            comment=data.get("comment", ""),
        )


@dataclass(frozen=True)
class Response:
    """What a learner answered. Only the field of the question's type is read.

    - single: `choice`, the index into `Question.choices`;
    - multiple: `choices`, indexes into `Question.choices`;
    - true/false: `truth`;
    - short, numerical, essay: `text` (a number is typed as text);
    - matching: `matches`, prompt index -> the answer text chosen for it.
    None / empty means not answered.
    """

    choice: int | None = None
    choices: frozenset[int] = field(default_factory=frozenset)
    truth: bool | None = None
    text: str = ""
    matches: dict[int, str] = field(default_factory=dict)


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
