"""Moodle XML (https://docs.moodle.org/en/Moodle_XML_format): `parse` reads a file of
questions, `write` writes one. Pure.

Follows Moodle's reader and writer (question/format/xml/format.php) for the types the bank
holds: `multichoice` (single when `<single>` is true, the default; multiple otherwise),
`truefalse`, `shortanswer`, `numerical` (each answer a number and its tolerance, or `*` for any
other number), `matching` and `essay`, with their names, texts and formats, general feedback,
default marks, answers' weights (`fraction`, in percent) and feedback, `<idnumber>` and
`<tags>`. A `<question type="category">` sets the category of the questions after it;
Moodle's context prefix and top category are dropped, as in GIFT. A `description` is no
question: it is skipped and reported in `Parsed.skipped`. Other types (cloze, calculated,
drag and drop...) are problems naming their line, as is anything else wrong, and nothing is
returned when there is one.

The file is parsed with `defusedxml`: a DOCTYPE, entities and external references are refused,
so a file can neither expand into gigabytes nor read the server's files. A file larger than
`Limits.chars` characters, or of more than `Limits.questions` questions, is refused before its
questions are read.

What Moodle XML cannot say is said as Moodle would: a numerical range 4..6 is written as
5 ± 1 (so it reads back as such), and a question whose answers or feedback have formats of
their own (a question has one format here) is kept in HTML, each text converted as its format
says, so that it shows as in Moodle. The trainers' note, which Moodle has no place
for, is written as an XML comment in the question, `<!-- note: ... -->`, which Moodle ignores
and `parse` reads back. `write` output reads back to equal questions, ranges aside.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.utils.translation import gettext as _

from assessments.questions.data import (
    Choice,
    MatchPair,
    NumericAnswer,
    Question,
    QuestionType,
    TextFormat,
)
from assessments.questions.formatting import FormattedText, in_one_format
from assessments.questions.problems import (
    DEFAULT_LIMITS,
    HUNDRED,
    Limits,
    Parsed,
    Problem,
    QuestionImportError,
    clean_text,
    empty_answer_left_out,
    is_catch_all,
    normalize_category,
    percent,
    plain_decimal,
    question_problems,
    too_many_chars,
    too_many_questions,
)

__all__ = ["MoodleXmlError", "parse", "parse_file", "write"]


class MoodleXmlError(QuestionImportError):
    """A Moodle XML file that can't be imported; `problems` lists every problem in it."""


_FORMATS = {
    "moodle_auto_format": TextFormat.MOODLE,
    "html": TextFormat.HTML,
    "plain_text": TextFormat.PLAIN,
    "markdown": TextFormat.MARKDOWN,
}


_FORMAT_NAMES = {value: name for name, value in _FORMATS.items()}


_TYPES = {
    "truefalse": QuestionType.TRUE_FALSE,
    "shortanswer": QuestionType.SHORT,
    "numerical": QuestionType.NUMERICAL,
    "matching": QuestionType.MATCHING,
    "essay": QuestionType.ESSAY,
}


_TOP = "$course$/top"


_NOTE = "note:"


_WS = " \t\n\r"


_INFINITY = Decimal("Infinity")


# Reading ---------------------------------------------------------------------------


def parse(data: str | bytes, *, limits: Limits = DEFAULT_LIMITS) -> list[Question]:
    """The questions of a Moodle XML file, in order; `MoodleXmlError` lists its problems."""
    return parse_file(data, limits=limits).questions


def parse_file(data: str | bytes, *, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """The questions of a Moodle XML file and the descriptions it skipped."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > 4 * limits.chars or (
        len(data) > limits.chars and len(data.decode("utf-8", "ignore")) > limits.chars
    ):
        raise MoodleXmlError([too_many_chars(limits)])
    root, lines = _tree(data)
    if root.tag != "quiz":
        raise MoodleXmlError(
            [
                Problem(
                    lines.get(id(root), 1), _("This is not a Moodle XML file: it has no <quiz>.")
                )
            ]
        )
    items = [child for child in root if child.tag == "question"]
    if sum(1 for item in items if item.get("type") != "category") > limits.questions:
        raise MoodleXmlError([too_many_questions(limits)])
    reader = _Reader(lines)
    for item in items:
        reader.question(item)
    if reader.problems:
        raise MoodleXmlError(reader.problems)
    return Parsed(reader.questions, reader.skipped)


class _LineBuilder(ET.TreeBuilder):
    """A tree that remembers the line each element starts on, and keeps comments."""

    def __init__(self):
        super().__init__(insert_comments=True)
        self.parser = None
        self.lines: dict[int, int] = {}

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        self.lines[id(element)] = self.parser.parser.CurrentLineNumber
        return element


def _tree(data: bytes):
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException:
        raise MoodleXmlError(
            [
                Problem(
                    0,
                    _(
                        "The file declares a DOCTYPE or entities, which Moodle XML question "
                        "files never need; it was not read."
                    ),
                )
            ]
        ) from None
    except ET.ParseError as error:
        line = error.position[0] if error.position else 0
        raise MoodleXmlError(
            [Problem(line, _("Line %(line)d: this is not well-formed XML.") % {"line": line})]
        ) from None
    return root, builder.lines


def _text(element: ET.Element | None, path: str = "text") -> str:
    """The trimmed text at `path` below `element` (Moodle's getpath(..., true))."""
    if element is None:
        return ""
    found = element.find(path) if path else element
    if found is None:
        return ""
    return clean_text("".join(found.itertext())).strip(_WS)


def _formatted(element: ET.Element | None, path: str = "") -> str:
    """The text of the element at `path`, with the format that element gives it."""
    owner = element.find(path) if element is not None and path else element
    text = _text(owner)
    text_format = _FORMATS.get((owner.get("format") or "").strip()) if owner is not None else None
    return FormattedText(text, text_format) if text_format else text


class _Reader:
    def __init__(self, lines: dict[int, int]):
        self.lines = lines
        self.questions: list[Question] = []
        self.problems: list[Problem] = []
        self.skipped: list[Problem] = []
        self.category = ""

    def line(self, element) -> int:
        return self.lines.get(id(element), 0)

    def problem(self, element, message: str, **values) -> None:
        line = self.line(element)
        self.problems.append(Problem(line, message % {"line": line, **values}))

    def question(self, item: ET.Element) -> None:
        kind = item.get("type", "")
        if kind == "category":
            self.category = normalize_category(_text(item, "category/text"))
            return
        if kind == "description":
            line = self.line(item)
            self.skipped.append(
                Problem(
                    line,
                    _(
                        "Line %(line)d: a description (text without answers) is not a "
                        "question; it was skipped."
                    )
                    % {"line": line},
                )
            )
            return
        if kind != "multichoice" and kind not in _TYPES:
            self.problem(
                item,
                _(
                    "Line %(line)d: Moodle's “%(type)s” questions can't be imported; the bank "
                    "holds multiple choice, true/false, short answer, numerical, matching and "
                    "essay questions."
                ),
                type=kind,
            )
            return
        before = len(self.problems)
        text_element = item.find("questiontext")
        text_format = _FORMATS.get(
            (text_element.get("format", "") if text_element is not None else "").strip(),
            TextFormat.MOODLE,
        )
        fields = getattr(self, kind)(item)
        mark = self.decimal(item, "defaultgrade", Decimal(1))
        if len(self.problems) > before:
            return
        question = Question(
            text=_text(text_element),
            name=_text(item, "name/text"),
            text_format=text_format,
            general_feedback=_formatted(item, "generalfeedback"),
            category=self.category,
            tags=tuple(tag for tag in (_text(t) for t in item.findall("tags/tag")) if tag),
            default_mark=mark,
            comment=_note(item),
            idnumber=_text(item, "idnumber"),
            **fields,
        )
        question = in_one_format(question)
        for problem in question_problems(question):
            self.problem(item, _("Line %(line)d: %(problem)s"), problem=problem)
        if len(self.problems) == before:
            self.questions.append(question)

    def decimal(self, element, path: str, default: Decimal | None) -> Decimal | None:
        found = element.find(path) if path else element
        value = _text(found, "") if found is not None else ""
        if not value:
            return default
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.problem(found, _("Line %(line)d: “%(value)s” is not a number."), value=value)
            return default
        return number

    def fraction(self, answer) -> Decimal:
        value = (answer.get("fraction") or "0").strip(_WS)
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.problem(
                answer,
                _("Line %(line)d: the fraction “%(value)s” is not a percentage."),
                value=value,
            )
            return Decimal(0)
        return number / HUNDRED

    def choices(self, item) -> tuple[Choice, ...]:
        """The answers; an empty one is left out, with its feedback, as Moodle leaves it out
        when it saves the question."""
        choices = []
        for answer in item.findall("answer"):
            text = _formatted(answer)
            if not text:
                self.skipped.append(empty_answer_left_out(self.line(answer)))
                continue
            choices.append(Choice(text, self.fraction(answer), _formatted(answer, "feedback")))
        return tuple(choices)

    def multichoice(self, item) -> dict:
        single = _text(item, "single").lower() not in ("false", "0")
        qtype = QuestionType.SINGLE if single else QuestionType.MULTIPLE
        return {"qtype": qtype, "choices": self.choices(item)}

    def shortanswer(self, item) -> dict:
        return {"qtype": QuestionType.SHORT, "choices": self.choices(item)}

    def truefalse(self, item) -> dict:
        correct, feedback = None, {True: "", False: ""}
        for index, answer in enumerate(item.findall("answer")[:2]):
            word = _text(answer).lower()
            # Moodle's rule; files of old took the first answer for "true".
            is_true = word == "true" or (word != "false" and index == 0)
            right = self.fraction(answer) == 1
            correct = right if is_true else not right
            feedback[is_true] = _formatted(answer, "feedback")
        return {
            "qtype": QuestionType.TRUE_FALSE,
            "correct": correct,
            "true_feedback": feedback[True],
            "false_feedback": feedback[False],
        }

    def numerical(self, item) -> dict:
        numbers = []
        for answer in item.findall("answer"):
            fraction = self.fraction(answer)
            feedback = _formatted(answer, "feedback")
            value = _text(answer)
            if value == "*":
                numbers.append(
                    NumericAnswer(fraction, low=-_INFINITY, high=_INFINITY, feedback=feedback)
                )
                continue
            if not value:
                self.problem(
                    answer, _("Line %(line)d: an answer of a numerical question is empty.")
                )
                continue
            number = self.decimal(answer, "text", None)
            tolerance = self.decimal(answer, "tolerance", Decimal(0))
            if number is None or tolerance is None:
                continue
            numbers.append(
                NumericAnswer(fraction, value=number, tolerance=abs(tolerance), feedback=feedback)
            )
        return {"qtype": QuestionType.NUMERICAL, "numbers": tuple(numbers)}

    def matching(self, item) -> dict:
        pairs = tuple(
            MatchPair(_formatted(sub), _text(sub, "answer/text"))
            for sub in item.findall("subquestion")
            if _text(sub) or _text(sub, "answer/text")  # Moodle skips empty pairs
        )
        return {"qtype": QuestionType.MATCHING, "pairs": pairs}

    def essay(self, item) -> dict:
        return {"qtype": QuestionType.ESSAY}


def _note(item) -> str:
    for child in item:
        if child.tag is ET.Comment and (child.text or "").strip(_WS).startswith(_NOTE):
            note = child.text.strip(_WS)[len(_NOTE) :].strip(_WS)
            return note.replace("&#45;", "-").replace("&amp;", "&")
    return ""


# Writing ---------------------------------------------------------------------------


def write(questions: Iterable[Question]) -> bytes:
    """A Moodle XML file of the questions (UTF-8), which `parse` reads back."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    category = ""
    for question in questions:
        if question.category != category:
            path = f"{_TOP}/{question.category}" if question.category else _TOP
            out += [
                '  <question type="category">',
                f"    <category><text>{_escape(path)}</text></category>",
                "  </question>",
            ]
            category = question.category
        out += _question(question)
    out.append("</quiz>")
    return ("\n".join(out) + "\n").encode("utf-8")


def _escape(text: str) -> str:
    text = clean_text(text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _text_element(tag: str, text: str, fmt: TextFormat | None = None, indent="    ") -> str:
    attribute = f' format="{_FORMAT_NAMES[fmt]}"' if fmt is not None else ""
    return f"{indent}<{tag}{attribute}><text>{_escape(text)}</text></{tag}>"


def _answer(fraction: Decimal, text: str, feedback: str, fmt: TextFormat, extra="") -> list[str]:
    return [
        f'    <answer fraction="{percent(fraction)}" format="{_FORMAT_NAMES[fmt]}">',
        f"      <text>{_escape(text)}</text>",
        _text_element("feedback", feedback, fmt, indent="      "),
        *([extra] if extra else []),
        "    </answer>",
    ]


def _question(q: Question) -> list[str]:
    kind = {QuestionType.SINGLE: "multichoice", QuestionType.MULTIPLE: "multichoice"}.get(
        q.qtype
    ) or next(name for name, qtype in _TYPES.items() if qtype == q.qtype)
    fmt = q.text_format
    lines = [f'  <question type="{kind}">']
    if q.comment:
        note = clean_text(q.comment).replace("&", "&amp;").replace("-", "&#45;")
        lines.append(f"    <!-- {_NOTE} {note} -->")
    lines += [
        _text_element("name", q.name),
        _text_element("questiontext", q.text, fmt),
        _text_element("generalfeedback", q.general_feedback, fmt),
        f"    <defaultgrade>{plain_decimal(q.default_mark)}</defaultgrade>",
        f"    <penalty>{'1' if q.qtype == QuestionType.TRUE_FALSE else '0.3333333'}</penalty>",
        "    <hidden>0</hidden>",
        f"    <idnumber>{_escape(q.idnumber)}</idnumber>",
    ]
    if q.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        single = "true" if q.qtype == QuestionType.SINGLE else "false"
        lines += [
            f"    <single>{single}</single>",
            "    <shuffleanswers>true</shuffleanswers>",
            "    <answernumbering>abc</answernumbering>",
        ]
        for choice in q.choices:
            lines += _answer(choice.fraction, choice.text, choice.feedback, fmt)
    elif q.qtype == QuestionType.SHORT:
        lines.append("    <usecase>0</usecase>")
        for choice in q.choices:
            lines += _answer(choice.fraction, choice.text, choice.feedback, fmt)
    elif q.qtype == QuestionType.TRUE_FALSE:
        for word, is_true in (("true", True), ("false", False)):
            fraction = Decimal(1) if q.correct == is_true else Decimal(0)
            feedback = q.true_feedback if is_true else q.false_feedback
            lines += _answer(fraction, word, feedback, fmt)
    elif q.qtype == QuestionType.NUMERICAL:
        for number in q.numbers:
            if is_catch_all(number):
                value, tolerance = "*", Decimal(0)
            elif number.is_range:  # Moodle's numbers are a value and a tolerance
                value = plain_decimal((number.low + number.high) / 2)
                tolerance = (number.high - number.low) / 2
            else:
                value, tolerance = plain_decimal(number.value), number.tolerance
            extra = f"      <tolerance>{plain_decimal(tolerance)}</tolerance>"
            lines += _answer(number.fraction, value, number.feedback, fmt, extra)
    elif q.qtype == QuestionType.MATCHING:
        lines.append("    <shuffleanswers>true</shuffleanswers>")
        for pair in q.pairs:
            lines += [
                f'    <subquestion format="{_FORMAT_NAMES[fmt]}">',
                f"      <text>{_escape(pair.prompt)}</text>",
                f"      <answer><text>{_escape(pair.answer)}</text></answer>",
                "    </subquestion>",
            ]
    elif q.qtype == QuestionType.ESSAY:
        lines += [
            "    <responseformat>editor</responseformat>",
            "    <responserequired>1</responserequired>",
            "    <responsefieldlines>15</responsefieldlines>",
            "    <attachments>0</attachments>",
            "    <attachmentsrequired>0</attachmentsrequired>",
            '    <graderinfo format="html"><text></text></graderinfo>',
            '    <responsetemplate format="html"><text></text></responsetemplate>',
        ]
    if q.tags:
        lines.append("    <tags>")
        lines += [f"      <tag><text>{_escape(tag)}</text></tag>" for tag in q.tags]
        lines.append("    </tags>")
    lines.append("  </question>")
    return lines
