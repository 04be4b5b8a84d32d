"""What the question importers share: their error, the checks every imported question
passes, and a few text helpers. Pure: no database.

`assessments.questions.gift` (Moodle's GIFT text) and `assessments.questions.spreadsheet` (CSV and
XLSX) both raise a `QuestionImportError` carrying *every* `Problem` they found, each
with the line (GIFT) or row (table) it is on and a complete, translated sentence that
names it, so a page can list them all and import nothing.

`question_problems` holds the rules a question must follow whichever file it came
from (and that the writers rely on to read their own output back): Moodle's rules
for each type, the lengths the bank's fields take, and what the two formats cannot
write. Messages are English source strings; the interface translates them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from assessments.questions.data import Question, QuestionType

# The bank's field lengths (assessments.models.bank and assessments.blocks).
MAX_NAME = 255


MAX_CHOICE = 1000


MAX_SHORT_ANSWER = 255


MAX_FEEDBACK = 1000


MAX_PAIR_TEXT = 500


MAX_CATEGORY_NAME = 100


MAX_IDNUMBER = 100  # Moodle's question.idnumber


# How much one file may hold, unless the caller says otherwise (the import page passes
# the settings LMS_QUESTION_IMPORT_MAX_ROWS and LMS_QUESTION_IMPORT_MAX_CHARS).
DEFAULT_MAX_QUESTIONS = 5000


DEFAULT_MAX_CHARS = 5_000_000


MAX_MARK = Decimal(10000)  # DecimalField(max_digits=6, decimal_places=2)


ONE = Decimal(1)


HUNDRED = Decimal(100)


# Characters a tag can't hold: the table's separators (also the full-width comma and
# semicolon, and the enumeration comma), what Moodle's tags refuse (< > `), a backslash
# and line breaks. Brackets are fine: GIFT writes "]" in [tag:...] as "\]", as Moodle does.
TAG_FORBIDDEN = set(",\uff0c\u3001;\uff1b<>`\\\n\r\t")


# Control characters: never meaningful in a question, refused by PostgreSQL (NUL)
# and by XLSX files. Tabs and line ends are kept.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


_CONTEXT_PREFIX = re.compile(r"^\$[A-Za-z0-9_]+\$(?:/|$)")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an imported file."""

    line: int  # 1-based line (GIFT) or row (table); 0 for the file as a whole
    message: str  # a complete, translated sentence naming the line or row
    column: str = ""  # table files: the column's name as the file writes it


@dataclass(frozen=True)
class Parsed:
    """What a file held: its questions, and the items it was right to leave out (such as
    Moodle's descriptions, which are no questions), each said in a sentence."""

    questions: list[Question]
    skipped: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Limits:
    """The most a file may hold: questions (or rows) and characters."""

    questions: int = DEFAULT_MAX_QUESTIONS
    chars: int = DEFAULT_MAX_CHARS


DEFAULT_LIMITS = Limits()


def too_many_chars(limits: Limits) -> Problem:
    return Problem(
        0,
        _("The file holds more than %(max)s characters; split it into smaller files.")
        % {"max": f"{limits.chars:,}"},
    )


def too_many_questions(limits: Limits) -> Problem:
    return Problem(
        0,
        _("The file holds more than %(max)s questions; split it into smaller files.")
        % {"max": f"{limits.questions:,}"},
    )


class QuestionImportError(ValueError):
    """A file of questions that can't be imported; `problems` lists all that was found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(p.message for p in self.problems))


def clean_text(text: str) -> str:
    """Without control characters (tabs and line ends stay)."""
    return _CONTROL.sub("", text)


def decode_text(data: bytes) -> str | None:
    """Text from a file's bytes: UTF-8 (with or without BOM), UTF-16 with a BOM, or
    GB18030 (what Chinese Windows and Excel write). None if it is none of them."""
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def normalize_category(path: str) -> str:
    """A category path as the bank keeps it: "客户服务知识/投诉处理".

    Moodle's context prefix and top category ("$course$/top/...", "$system$/...")
    are dropped, names are trimmed and empty ones (from "a//b" or a trailing "/")
    left out.
    """
    path = path.strip()
    match = _CONTEXT_PREFIX.match(path)
    if match:
        path = path[match.end() :]
        if path == "top" or path.startswith("top/"):
            path = path[4:]
    names = (name.strip() for name in path.split("/"))
    return "/".join(name for name in names if name)


def plain_decimal(value: Decimal) -> str:
    """A number as people write it: 50, 0.5, -12.25; no exponent, no trailing zeros."""
    if not value.is_finite():
        return str(value)
    if value == 0:
        return "0"
    value = value.normalize()
    if abs(value.as_tuple().exponent) > 40:  # keep 1E+999999 short
        return str(value)
    return format(value, "f")


def percent(fraction: Decimal) -> str:
    """A fraction as a percentage, 0.5 -> "50", as GIFT's %50% and the table write it."""
    return plain_decimal(fraction * HUNDRED)


def is_catch_all(number) -> bool:
    """Moodle's "*" numerical answer (any number), kept as the range -∞..∞."""
    return (
        number.is_range
        and number.low is not None
        and number.high is not None
        and number.low.is_infinite()
        and number.high.is_infinite()
        and number.low < 0 < number.high
    )


def empty_answer_left_out(line: int) -> Problem:
    """The note for an empty answer, which Moodle leaves out when it saves a question."""
    return Problem(
        line,
        _("Line %(line)d: an empty answer was left out, as Moodle leaves it out.")
        % {"line": line},
    )


def question_problems(question: Question) -> list[str]:
    """What is wrong with a question, as sentences; empty when it can be imported.

    The parsers add where each problem is. Moodle's rules per type, the bank's
    field lengths, and what GIFT and the table template can't write.
    """
    problems: list[str] = []
    add = problems.append
    q = question
    if not q.text.strip():
        add(_("The question text is empty."))
    if len(q.name) > MAX_NAME:
        add(_("The title is longer than %(max)d characters.") % {"max": MAX_NAME})
    if q.idnumber and (
        len(q.idnumber) > MAX_IDNUMBER
        or q.idnumber != q.idnumber.strip()
        or "[" in q.idnumber
        or clean_text(q.idnumber) != q.idnumber
        or set(q.idnumber) & set("\n\r\t")
    ):
        add(
            _(
                "The ID number “%(idnumber)s” is longer than %(max)d characters or holds a "
                "[ or a line break."
            )
            % {"idnumber": q.idnumber, "max": MAX_IDNUMBER}
        )
    if len(q.general_feedback) > MAX_FEEDBACK:
        add(_("The general feedback is longer than %(max)d characters.") % {"max": MAX_FEEDBACK})
    mark = q.default_mark
    if (
        not mark.is_finite()
        or mark <= 0
        or mark >= MAX_MARK
        or mark.normalize().as_tuple().exponent < -2
    ):
        add(
            _(
                "The mark must be a positive number below 10000 with at most two decimals; "
                "it is %(mark)s."
            )
            % {"mark": mark}
        )
    for tag in q.tags:
        if not tag or tag != tag.strip() or set(tag) & TAG_FORBIDDEN or clean_text(tag) != tag:
            add(
                _(
                    "The tag “%(tag)s” is empty or holds a separator (, ; 、), <, >, ` or "
                    "a backslash."
                )
                % {"tag": tag}
            )
    for name in q.category.split("/") if q.category else ():
        if len(name) > MAX_CATEGORY_NAME:
            add(
                _("The category name “%(name)s” is longer than %(max)d characters.")
                % {"name": name, "max": MAX_CATEGORY_NAME}
            )
    checks = {
        QuestionType.SINGLE: _choice_problems,
        QuestionType.MULTIPLE: _choice_problems,
        QuestionType.SHORT: _short_problems,
        QuestionType.TRUE_FALSE: _true_false_problems,
        QuestionType.NUMERICAL: _numerical_problems,
        QuestionType.MATCHING: _matching_problems,
    }
    check = checks.get(q.qtype)
    if check:
        problems.extend(check(q))
    return problems


def _weight_problem(number: int, fraction: Decimal) -> str | None:
    if not fraction.is_finite() or not -ONE <= fraction <= ONE:
        return _("The weight %(weight)s%% of answer %(number)d is outside -100 to 100.") % {
            "weight": percent(fraction) if fraction.is_finite() else fraction,
            "number": number,
        }
    return None


def _feedback_problem(number: int, feedback: str) -> str | None:
    if len(feedback) > MAX_FEEDBACK:
        return _("The feedback of answer %(number)d is longer than %(max)d characters.") % {
            "number": number,
            "max": MAX_FEEDBACK,
        }
    return None


def _answers_problems(question: Question, max_length: int) -> list[str]:
    problems = []
    for number, choice in enumerate(question.choices, 1):
        if not choice.text.strip():
            problems.append(_("Answer %(number)d is empty.") % {"number": number})
        elif len(choice.text) > max_length:
            problems.append(
                _("Answer %(number)d is longer than %(max)d characters.")
                % {"number": number, "max": max_length}
            )
        for problem in (
            _weight_problem(number, choice.fraction),
            _feedback_problem(number, choice.feedback),
        ):
            if problem:
                problems.append(problem)
    return problems


def _choice_problems(question: Question) -> list[str]:
    problems = []
    if len(question.choices) < 2:
        problems.append(
            _("A choice question needs at least two answers; this one has %(count)d.")
            % {"count": len(question.choices)}
        )
    problems.extend(_answers_problems(question, MAX_CHOICE))
    fractions = [c.fraction for c in question.choices if c.fraction.is_finite()]
    if question.qtype == QuestionType.SINGLE:
        if fractions and max(fractions) != ONE:
            problems.append(_("A single-choice question needs a right answer, worth 100%."))
    elif question.choices:
        total = sum((f for f in fractions if f > 0), Decimal(0))
        # Moodle's rule: the positive weights add up to 100 % once rounded to two
        # decimals of a fraction, so three answers of 33.33333 % are fine.
        if abs(total - ONE) >= Decimal("0.005"):
            problems.append(
                _(
                    "The positive weights of a multiple-choice question must add up to "
                    "100%%; they add up to %(sum)s%%."
                )
                % {"sum": percent(total)}
            )
    return problems


def _short_problems(question: Question) -> list[str]:
    problems = []
    if not question.choices:
        problems.append(_("A short-answer question needs at least one accepted answer."))
    problems.extend(_answers_problems(question, MAX_SHORT_ANSWER))
    return problems


def _true_false_problems(question: Question) -> list[str]:
    if question.correct is None:
        return [_("A true/false question needs its answer: true or false.")]
    problems = []
    for feedback in (question.true_feedback, question.false_feedback):
        if len(feedback) > MAX_FEEDBACK:
            problems.append(
                _("A true/false feedback is longer than %(max)d characters.")
                % {"max": MAX_FEEDBACK}
            )
    return problems


def _numerical_problems(question: Question) -> list[str]:
    problems = []
    if all(is_catch_all(answer) for answer in question.numbers):  # "*" alone is no number
        problems.append(_("A numerical question needs at least one accepted number."))
    for number, answer in enumerate(question.numbers, 1):
        for problem in (
            _weight_problem(number, answer.fraction),
            _feedback_problem(number, answer.feedback),
        ):
            if problem:
                problems.append(problem)
        if is_catch_all(answer):
            continue
        if answer.is_range:
            ok = (
                answer.high is not None
                and answer.low.is_finite()
                and answer.high.is_finite()
                and answer.value is None
            )
            if not ok:
                problems.append(_("Answer %(number)d is not a number.") % {"number": number})
            elif answer.low > answer.high:
                problems.append(
                    _("The range of answer %(number)d starts above where it ends.")
                    % {"number": number}
                )
        else:
            ok = (
                answer.value is not None
                and answer.value.is_finite()
                and answer.tolerance.is_finite()
                and answer.high is None
            )
            if not ok:
                problems.append(_("Answer %(number)d is not a number.") % {"number": number})
            elif answer.tolerance < 0:
                problems.append(
                    _("The tolerance of answer %(number)d is negative.") % {"number": number}
                )
    return problems


def _matching_problems(question: Question) -> list[str]:
    problems = []
    pairs = question.pairs
    prompts = sum(1 for pair in pairs if pair.prompt.strip())
    if prompts < 2:  # Moodle's GIFT and XML readers take two pairs
        problems.append(
            _(
                "A matching question needs at least 2 pairs with a prompt; this one has "
                "%(prompts)d."
            )
            % {"prompts": prompts}
        )
    for number, pair in enumerate(pairs, 1):
        if not pair.answer.strip():
            problems.append(_("Pair %(number)d has no answer.") % {"number": number})
        if "->" in pair.prompt:
            problems.append(
                _("The prompt of pair %(number)d holds “->”, which can't be told from the arrow.")
                % {"number": number}
            )
        if max(len(pair.prompt), len(pair.answer)) > MAX_PAIR_TEXT:
            problems.append(
                _("Pair %(number)d is longer than %(max)d characters.")
                % {"number": number, "max": MAX_PAIR_TEXT}
            )
    return problems
