r"""Moodle's GIFT format: `parse` reads a file of questions, `write` writes one. Pure.

Follows Moodle's importer (question/format/gift/format.php) and its documentation:

- Questions are separated by blank lines. A line starting with `//` is a comment;
  the comment lines in a question's block (those just above it, usually) are kept
  in `Question.comment`, without Moodle's own export header ("question: 12  name:
  ..."). Moodle's `[id:ID-12]` in a comment gives the question's ID number (the
  first one counts) and each `[tag:name]` adds a tag, `\]` standing for `]` in
  both; `[mark:2]` (an extension Moodle ignores, since it is in a comment) sets the
  default mark, which GIFT otherwise cannot say.
- `$CATEGORY: path` sets the category of the questions after it. Moodle's context
  prefix and top category ("$course$/top/") are dropped.
- `::title::` names a question (a `::` never closed is dropped, as Moodle does);
  `[html]`, `[markdown]`, `[plain]` or `[moodle]` (the default) before a text gives
  its format, and any other bracketed word there (`[HTML]`, `[md]`) is text, as in
  Moodle. An answer or a feedback may have its own format, as in Moodle; a question
  here has one format, so a question whose texts mix formats is kept in HTML, each
  text converted as its own format says (`formatting.in_one_format`). The format of
  a short answer's accepted answer is dropped, as Moodle drops it.
- A text without an answer block is Moodle's "description", which is no question:
  it is skipped and reported in `Parsed.skipped`, as are nothing but comments.
- `\~ \= \# \{ \} \: \\` are literal characters and `\n` a line break.
- The answer block runs from the first `{` to the first `}`, as in Moodle: a `{`
  inside it is part of an answer, and a later `{` or `}` is part of the question
  text. It ends the question or, in Moodle's "missing word" format, stands inside
  its text, which then shows `_____` in its place; as in Moodle, there is no blank
  when the text ends with a `}` (so `Q{=a ~b} more {=c ~d}` is the question
  "Q more {=c ~d}" with the answers a and b).
- `{}` essay; `{T}` `{TRUE}` `{F}` `{FALSE}` true/false, with `#feedback to a
  wrong answer#feedback to the right one`; `{=right ~wrong ~%50%half}` choice,
  single when any answer is marked `=` and multiple otherwise (Moodle's rule), with
  `#feedback` after an answer; `{=answer =%50%other}` short answer; `{#5:0.5}`,
  `{#4..6}`, `{#=5:0 =%50%5:2 ~#any other}` numerical; `{=prompt -> answer ...}`
  matching (`= -> answer` adds a distractor); `####feedback` before the closing
  brace is the general feedback.
- In a choice question, as in Moodle, an answer marked `=` is worth 100 % and no
  weight is read after the `=` (`=%50%a` is the answer "%50%a", right), and text
  before the first `=` or `~` is an answer read as if it had a `~` (wrong, or the
  `%weight%` it starts with).

An empty answer (`{=a ~b ~}`) is left out, with its feedback, as Moodle leaves it out
when it saves the question, and a note says so in `Parsed.skipped`.

Stricter than Moodle where Moodle would import something else than was meant: a `}`
before the first `{` (Moodle then cuts the text at meaningless places), numbers that
are not numbers (Moodle's reader turns them into "any number is right"), and the type
rules Moodle's editor applies (see `assessments.questions.problems.question_problems`).
A weight outside -100..100 is refused, as Moodle refuses a weight not in its list of
grades. Every problem in the file is
reported, with its line, and nothing is returned when there is one. A file larger
than `Limits.chars` characters or holding more than `Limits.questions` items is
refused before it is read.

Kinder than Moodle: a `$CATEGORY:` line may be followed by its first question
without a blank line; the file may be bytes in UTF-8 (with or without BOM) or
GB18030; `\r\n` line ends are fine; a weight need not be one of Moodle's grades
(35 %, 12.5 %). A short answer holding `->` is written with
its weights (`=%100%a->b`), which tells it from a matching question.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from decimal import Decimal

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
    decode_text,
    empty_answer_left_out,
    is_catch_all,
    normalize_category,
    percent,
    plain_decimal,
    question_problems,
    too_many_chars,
    too_many_questions,
)

__all__ = ["GiftError", "Problem", "parse", "parse_file", "write"]


BLANK = "_____"  # where a missing-word answer block stood in the text


CATEGORY = "$CATEGORY:"


TOP_CATEGORY = "$course$/top"  # what `write` says to go back to no category


_WS = " \t\n\r"  # what is trimmed (PHP's trim(), less NUL, which is removed anyway)


_ESCAPES = {"~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "\\": "\\", "n": "\n"}


_ESCAPE = re.compile(r"\\([~=#{}:\\n])")


_WRITE_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "~": "\\~",
        "=": "\\=",
        "#": "\\#",
        "{": "\\{",
        "}": "\\}",
        ":": "\\:",
        "\n": "\\n",
        "\r": "",
    }
)


_PLACEHOLDER = "\x00"  # an escaped character, in the parser's working copy


_FORMATS = {f.value: f for f in TextFormat}


_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


_WEIGHT = re.compile(r"%(-?[0-9]+(?:\.[0-9]*)?)%")


_WEIGHT_LIKE = re.compile(r"%\s*[-+]?\s*[0-9][0-9.,\s]*%")


_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>`\n])+)\]")


# Moodle's: any characters but brackets and control characters, \] for a "]".
_ID = re.compile(r"\[id:((?:\\\]|[^\[\]\x00-\x1f\x7f])+)\]")


_MARK = re.compile(r"\[mark:([^\]\n]*)\]")


_MARK_VALUE = re.compile(r"[0-9]+(?:\.[0-9]+)?")


_MOODLE_HEADER = re.compile(r"question: \d+\s+name: ")


_INFINITY = Decimal("Infinity")


class GiftError(QuestionImportError):
    """A GIFT file that can't be imported; `problems` lists every problem in it."""


# Reading ---------------------------------------------------------------------------


def parse(text: str | bytes, *, limits: Limits = DEFAULT_LIMITS) -> list[Question]:
    """The questions in a GIFT file, in order; `GiftError` lists all its problems."""
    return parse_file(text, limits=limits).questions


def parse_file(text: str | bytes, *, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """The questions in a GIFT file and what was skipped (Moodle's descriptions);
    `GiftError` lists all its problems."""
    if isinstance(text, bytes):
        if len(text) > 4 * limits.chars:  # no character takes more than 4 bytes
            raise GiftError([too_many_chars(limits)])
        decoded = decode_text(text)
        if decoded is None:
            raise GiftError([Problem(0, _("The file is not UTF-8 or GB18030 text."))])
        text = decoded
    if len(text) > limits.chars:
        raise GiftError([too_many_chars(limits)])
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    parser = _Parser(limits)
    parser.read(clean_text(text).split("\n"))
    if parser.problems:
        raise GiftError(parser.problems)
    return Parsed(parser.questions, parser.skipped)


class _Source:
    """A question's lines joined with escapes resolved: `s` is the working copy, in
    which an escaped character is a placeholder (so it matches no syntax), and
    `text()` gives the real characters back."""

    def __init__(self, lines: list[tuple[int, str]]):
        parts: list[str] = []
        self.escaped: dict[int, str] = {}
        self.starts: list[int] = []  # offset in `s` where each line starts
        self.numbers: list[int] = []  # its line number in the file
        pos = 0
        for number, line in lines:
            if parts:
                parts.append("\n")
                pos += 1
            self.starts.append(pos)
            self.numbers.append(number)
            last = 0
            for match in _ESCAPE.finditer(line):
                chunk = line[last : match.start()]
                parts.append(chunk)
                pos += len(chunk)
                self.escaped[pos] = _ESCAPES[match.group(1)]
                parts.append(_PLACEHOLDER)
                pos += 1
                last = match.end()
            parts.append(line[last:])
            pos += len(line) - last
        self.s = "".join(parts)
        self._escaped_at = sorted(self.escaped)

    def line(self, pos: int) -> int:
        return self.numbers[max(bisect.bisect_right(self.starts, pos) - 1, 0)]

    def strip(self, i: int, j: int) -> tuple[int, int]:
        s = self.s
        while i < j and s[i] in _WS:
            i += 1
        while j > i and s[j - 1] in _WS:
            j -= 1
        return i, j

    def raw(self, i: int, j: int) -> str:
        """The real text between two offsets, escapes resolved, not trimmed."""
        first = bisect.bisect_left(self._escaped_at, i)
        last = bisect.bisect_left(self._escaped_at, j)
        if first == last:
            return self.s[i:j]
        out, prev = [], i
        for pos in self._escaped_at[first:last]:
            out.append(self.s[prev:pos])
            out.append(self.escaped[pos])
            prev = pos + 1
        out.append(self.s[prev:j])
        return "".join(out)

    def split(self, i: int, j: int, separator: str) -> list[tuple[int, int]]:
        parts, start = [], i
        while True:
            found = self.s.find(separator, start, j)
            if found < 0:
                parts.append((start, j))
                return parts
            parts.append((start, found))
            start = found + len(separator)

    def answers(self, i: int, j: int) -> list[tuple[int, int]]:
        """The `=`-separated answers of a block, without the empty part before the first."""
        parts = self.split(i, j, "=")
        if not self.s[slice(*self.strip(*parts[0]))]:
            parts.pop(0)
        return parts


class _Parser:
    def __init__(self, limits: Limits):
        self.questions: list[Question] = []
        self.problems: list[Problem] = []
        self.skipped: list[Problem] = []
        self.category = ""
        self.limits = limits

    def problem(self, line: int, message: str, **values) -> None:
        self.problems.append(Problem(line, message % {"line": line, **values}))

    def read(self, lines: list[str]) -> None:
        blocks, block = [], []
        for number, line in enumerate(lines, 1):
            line = line.strip(_WS)
            if line:
                block.append((number, line))
            elif block:
                blocks.append(block)
                block = []
        if block:
            blocks.append(block)
        # Counted before reading: a category line opens a block of its own at most once.
        if len(blocks) > 2 * self.limits.questions:
            self.problems.append(too_many_questions(self.limits))
            return
        for block in blocks:
            self.block(block)
            if len(self.questions) + len(self.skipped) > self.limits.questions:
                self.problems.append(too_many_questions(self.limits))
                return

    def block(self, block: list[tuple[int, str]]) -> None:
        comments = [(n, line[2:].strip(_WS)) for n, line in block if line.startswith("//")]
        content = [(n, line) for n, line in block if not line.startswith("//")]
        if content and content[0][1].startswith(CATEGORY):
            number, line = content.pop(0)
            path = _ESCAPE.sub(lambda m: _ESCAPES[m.group(1)], line[len(CATEGORY) :])
            self.category = normalize_category(path)
            comments = [(n, c) for n, c in comments if n > number]
        if content:
            self.question(content, comments)

    # One question --------------------------------------------------------------

    def question(self, content: list[tuple[int, str]], comments: list[tuple[int, str]]):
        problems_before = len(self.problems)
        start = content[0][0]
        src = _Source(content)
        s = src.s
        i, j = src.strip(0, len(s))

        name = ""
        if s.startswith("::", i):
            end = s.find("::", i + 2, j)
            if end < 0:  # Moodle drops the "::" and names the question from its text
                i = i + 2
            else:
                name = src.raw(i + 2, end).strip(_WS)
                i, j = src.strip(end + 2, j)

        opening, closing = s.find("{", i, j), s.find("}", i, j)
        if opening < 0 and closing < 0:
            self.skipped.append(
                Problem(
                    start,
                    _(
                        "Line %(line)d: text without answers in braces { } (a Moodle "
                        "description) is not a question; it was skipped."
                    )
                    % {"line": start},
                )
            )
            return
        if opening < 0 or 0 <= closing < opening:
            self.problem(
                src.line(closing),
                _("Line %(line)d: this } closes no answer block. Write a literal brace as \\}."),
            )
            return
        if closing < 0:
            self.problem(
                src.line(opening),
                _(
                    "Line %(line)d: the answer block opened with { is never closed. Close it "
                    "with } before the next blank line (a blank line ends a question), or "
                    "write a literal brace as \\{."
                ),
            )
            return
        # Moodle's answer block runs from the first "{" to the first "}": a later "{"
        # or "}" is text. The block leaves a blank in the text unless the text ends
        # with a "}" (its own or a later one, which Moodle then keeps as text).
        text = src.raw(i, opening)
        if s[j - 1] != "}":
            text += BLANK
        text += src.raw(closing + 1, j)
        text_format, text = self.format(text, start, None)
        text_format = text_format or TextFormat.MOODLE

        a, b = src.strip(opening + 1, closing)
        general_feedback = ""
        separator = s.rfind("####", a, b)
        if separator >= 0:
            general_feedback = self.text(src, separator + 4, b)
            a, b = src.strip(a, separator)

        fields = self.answers(src, a, b, opening)
        idnumber, tags, mark, comment = self.comments(comments)
        if len(self.problems) > problems_before:
            return
        question = Question(
            text=text,
            name=name,
            text_format=text_format,
            general_feedback=general_feedback,
            category=self.category,
            tags=tuple(tags),
            default_mark=mark,
            comment=comment,
            idnumber=idnumber,
            **fields,
        )
        question = in_one_format(question)
        for problem in question_problems(question):
            self.problem(start, _("Line %(line)d: %(problem)s"), problem=problem)
        if len(self.problems) == problems_before:
            self.questions.append(question)

    def format(self, raw: str, line: int, default):
        """A text's format prefix, if it has one, and the text without it, trimmed.
        Another bracketed word is text, as Moodle keeps it."""
        if raw.startswith("["):
            end = raw.find("]")
            if end > 0:
                name = raw[1:end]
                if name in _FORMATS:
                    return _FORMATS[name], raw[end + 1 :].strip(_WS)
        return default, raw.strip(_WS)

    def text(self, src: _Source, i: int, j: int) -> str:
        """An answer's or a feedback's text, with its own format if it says one."""
        i, j = src.strip(i, j)
        text_format, text = self.format(src.raw(i, j), src.line(i), None)
        return text if text_format is None else FormattedText(text, text_format)

    def answers(self, src: _Source, a: int, b: int, opening: int) -> dict:
        """The type and the answers, from the inside of the braces (feedback removed)."""
        s = src.s
        body = s[a:b]
        if a == b:
            return {"qtype": QuestionType.ESSAY}
        if s[a] == "#":
            return self.numerical(src, a + 1, b, opening)
        if "~" in body:
            return self.choice(src, a, b)
        if "=" in body and "->" in body and not self.weighted(body):
            return self.matching(src, a, b)
        hash_at = s.find("#", a, b)
        word = s[a : hash_at if hash_at > 0 else b].strip(_WS)
        if word in _TRUE_FALSE:
            return self.true_false(src, a, b)
        return self.short(src, a, b)

    @staticmethod
    def weighted(body: str) -> bool:
        return any(_WEIGHT.match(part.lstrip(_WS)) for part in body.split("=")[1:])

    def weight(self, src: _Source, i: int, j: int) -> tuple[Decimal | None, int]:
        """The %weight% at i, as a fraction (None if there is none), and where the
        answer goes on."""
        match = _WEIGHT.match(src.s, i, j)
        if match:
            weight = Decimal(match.group(1))
            if not -HUNDRED <= weight <= HUNDRED:
                self.problem(
                    src.line(i),
                    _("Line %(line)d: the weight %(weight)s%% is outside -100 to 100."),
                    weight=match.group(1),
                )
            return weight / HUNDRED, match.end()
        match = _WEIGHT_LIKE.match(src.s, i, j)
        if match:
            self.problem(
                src.line(i),
                _(
                    "Line %(line)d: “%(weight)s” is not a weight. Write a percentage from "
                    "-100 to 100 between percent signs, such as %%50%%."
                ),
                weight=match.group(0),
            )
            return Decimal(0), match.end()
        return None, i

    def answer_text(self, src: _Source, i: int, j: int) -> tuple[str, str]:
        """An answer's text and feedback (after #). An empty answer is left out, with its
        feedback, as Moodle leaves it out when it saves the question: the text is then
        empty and a note is in `skipped`."""
        hash_at = src.s.find("#", i, j)
        end = hash_at if hash_at >= 0 else j
        text = self.text(src, i, end)
        feedback = self.text(src, hash_at + 1, j) if hash_at >= 0 else ""
        if not text:
            self.skipped.append(empty_answer_left_out(src.line(i)))
        return text, feedback

    def choice(self, src: _Source, a: int, b: int) -> dict:
        s = src.s
        single = "=" in s[a:b]
        marks = [k for k in range(a, b) if s[k] in "~="]
        # Moodle's answers: the text before the first mark, if any, is one (read as
        # if it had a ~), then one after each mark.
        starts = [(None, a)] + [(s[k], k + 1) for k in marks]
        choices = []
        for k, (mark, begin) in enumerate(starts):
            i, j = src.strip(begin, marks[k] if k < len(marks) else b)
            if mark is None and i == j:
                continue
            if mark == "=":  # worth 100 %; Moodle reads no weight after it, "%50%" is text
                fraction = Decimal(1)
            else:
                fraction, i = self.weight(src, i, j)
                fraction = Decimal(0) if fraction is None else fraction
            text, feedback = self.answer_text(src, i, j)
            if text:
                choices.append(Choice(text, fraction, feedback))
        qtype = QuestionType.SINGLE if single else QuestionType.MULTIPLE
        return {"qtype": qtype, "choices": tuple(choices)}

    def short(self, src: _Source, a: int, b: int) -> dict:
        parts = src.answers(a, b)
        choices = []
        for i, j in parts:
            i, j = src.strip(i, j)
            fraction, i = self.weight(src, i, j)
            fraction = Decimal(1) if fraction is None else fraction
            text, feedback = self.answer_text(src, i, j)
            if text:
                choices.append(Choice(text, fraction, feedback))
        return {"qtype": QuestionType.SHORT, "choices": tuple(choices)}

    def true_false(self, src: _Source, a: int, b: int) -> dict:
        parts = src.split(a, b, "#")
        word = src.s[slice(*src.strip(*parts[0]))]
        wrong = self.text(src, *parts[1]) if len(parts) > 1 else ""
        # Moodle splits in three at most: the right feedback keeps any further "#".
        right = self.text(src, parts[2][0], b) if len(parts) > 2 else ""
        correct = _TRUE_FALSE[word]
        return {
            "qtype": QuestionType.TRUE_FALSE,
            "correct": correct,
            "true_feedback": right if correct else wrong,
            "false_feedback": wrong if correct else right,
        }

    def numerical(self, src: _Source, a: int, b: int, opening: int) -> dict:
        s = src.s
        catch_all = None
        tilde = s.find("~", a, b)
        if tilde >= 0:
            hash_at = s.find("#", tilde + 1, b)
            lead = src.strip(tilde + 1, hash_at if hash_at >= 0 else b)
            if lead[0] < lead[1]:
                self.problem(
                    src.line(tilde),
                    _(
                        "Line %(line)d: in a numerical question, ~ is followed by nothing "
                        "but #feedback, for any other answer."
                    ),
                )
            feedback = self.text(src, hash_at + 1, b) if hash_at >= 0 else ""
            catch_all = NumericAnswer(
                Decimal(0), low=-_INFINITY, high=_INFINITY, feedback=feedback
            )
            b = tilde
        parts = src.answers(a, b)
        numbers = []
        for i, j in parts:
            i, j = src.strip(i, j)
            fraction, i = self.weight(src, i, j)
            fraction = Decimal(1) if fraction is None else fraction
            hash_at = s.find("#", i, j)
            spec = self.text(src, i, hash_at if hash_at >= 0 else j)
            feedback = self.text(src, hash_at + 1, j) if hash_at >= 0 else ""
            number = self.number(spec, fraction, feedback, src.line(i))
            if number is not None:
                numbers.append(number)
        if catch_all:
            numbers.append(catch_all)
        if not parts:
            self.problem(
                src.line(opening),
                _("Line %(line)d: this numerical question has no accepted number."),
            )
        return {"qtype": QuestionType.NUMERICAL, "numbers": tuple(numbers)}

    def number(self, spec: str, fraction: Decimal, feedback: str, line: int):
        spec = spec.strip(_WS)
        if spec == "*":
            return NumericAnswer(fraction, low=-_INFINITY, high=_INFINITY, feedback=feedback)
        dots = spec.find("..")
        if dots > 0:
            low, high = spec[:dots].strip(_WS), spec[dots + 2 :].strip(_WS)
            if _NUMBER.fullmatch(low) and _NUMBER.fullmatch(high):
                if Decimal(low) > Decimal(high):
                    self.problem(
                        line,
                        _("Line %(line)d: the range “%(text)s” starts above where it ends."),
                        text=spec,
                    )
                    return None
                return NumericAnswer(
                    fraction, low=Decimal(low), high=Decimal(high), feedback=feedback
                )
        else:
            colon = spec.find(":")
            value, tolerance = (spec, "0") if colon <= 0 else (spec[:colon], spec[colon + 1 :])
            value, tolerance = value.strip(_WS), tolerance.strip(_WS)
            if _NUMBER.fullmatch(value) and _NUMBER.fullmatch(tolerance):
                if Decimal(tolerance) < 0:
                    self.problem(
                        line,
                        _("Line %(line)d: the tolerance in “%(text)s” is negative."),
                        text=spec,
                    )
                    return None
                return NumericAnswer(
                    fraction, value=Decimal(value), tolerance=Decimal(tolerance), feedback=feedback
                )
        self.problem(
            line,
            _(
                "Line %(line)d: “%(text)s” is not a number. Write a number (5), a number and "
                "its tolerance (5:0.5) or a range (4..6)."
            ),
            text=spec,
        )
        return None

    def matching(self, src: _Source, a: int, b: int) -> dict:
        parts = src.answers(a, b)
        pairs = []
        for i, j in parts:
            i, j = src.strip(i, j)
            arrow = src.s.find("->", i, j)
            if arrow < 0:
                self.problem(
                    src.line(i),
                    _(
                        "Line %(line)d: the matching pair “%(text)s” has no ->. Write each "
                        "pair as =prompt -> answer."
                    ),
                    text=src.raw(i, j),
                )
                continue
            prompt = self.text(src, i, arrow)
            answer = src.raw(*src.strip(arrow + 2, j)).strip(_WS)
            if not answer:
                self.problem(
                    src.line(i),
                    _("Line %(line)d: the matching pair “%(text)s” has no answer after ->."),
                    text=src.raw(i, j),
                )
                continue
            pairs.append(MatchPair(prompt, answer))
        return {"qtype": QuestionType.MATCHING, "pairs": tuple(pairs)}

    def comments(self, comments: list[tuple[int, str]]) -> tuple[str, list[str], Decimal, str]:
        idnumber = ""
        tags: list[str] = []
        mark = Decimal(1)
        kept: list[str] = []
        for number, line in comments:
            if _MOODLE_HEADER.match(line):
                continue
            found = False
            for match in _ID.finditer(line):
                found = True
                if not idnumber:  # Moodle takes the first
                    idnumber = match.group(1).strip(_WS).replace("\\]", "]")
            for match in _TAG.finditer(line):
                found = True
                tag = match.group(1).replace("\\]", "]").strip(_WS)
                if tag:
                    tags.append(tag)
            for match in _MARK.finditer(line):
                found = True
                value = match.group(1).strip(_WS)
                if _MARK_VALUE.fullmatch(value):
                    mark = Decimal(value)
                else:
                    self.problem(
                        number,
                        _(
                            "Line %(line)d: “%(mark)s” in [mark:…] is not a mark. Write a "
                            "positive number, such as [mark:2]."
                        ),
                        mark=value,
                    )
            if found:
                line = _MARK.sub("", _TAG.sub("", _ID.sub("", line))).strip(_WS)
                if not line:
                    continue
            kept.append(line)
        return idnumber, tags, mark, "\n".join(kept)


# Writing ---------------------------------------------------------------------------


def write(questions: Iterable[Question]) -> str:
    """GIFT text for the questions, which `parse` reads back to equal questions.

    Questions are expected to be valid (`question_problems` finds nothing) and their
    texts trimmed, as the parsers give them. A `$CATEGORY:` line is written whenever
    the category changes; the first questions, with no category, get none.
    """
    blocks, category = [], ""
    for question in questions:
        if question.category != category:
            path = question.category.replace("\\", "\\\\").replace("\n", "\\n")
            blocks.append(f"{CATEGORY} {path or TOP_CATEGORY}\n")
            category = question.category
        blocks.append(_write_question(question))
    return "\n".join(blocks)


def _escape(text: str) -> str:
    return clean_text(text).translate(_WRITE_ESCAPES)


def _text(text: str, text_format: TextFormat, default: TextFormat, line_start=False) -> str:
    """A text, with its format first when it isn't the default or the text could be
    mistaken for a format, a weight or a comment."""
    if text_format != default or text.startswith(("[", "%")) or (line_start and text[:2] == "//"):
        return f"[{text_format.value}]{_escape(text)}"
    return _escape(text)


def _write_question(q: Question) -> str:
    lines = [f"// {line}".rstrip() for line in q.comment.split("\n")] if q.comment else []
    meta = ["[id:{}]".format(q.idnumber.replace("]", "\\]"))] if q.idnumber else []
    meta += ["[tag:{}]".format(tag.replace("]", "\\]")) for tag in q.tags]
    if q.default_mark != 1:
        meta.append(f"[mark:{plain_decimal(q.default_mark)}]")
    if meta:
        lines.append("// " + " ".join(meta))

    fmt = q.text_format
    head = f"::{_escape(q.name)}::" if q.name else ""
    head += _text(q.text, fmt, TextFormat.MOODLE, line_start=not q.name)
    general = f"####{_text(q.general_feedback, fmt, fmt)}" if q.general_feedback else ""

    def feedback(text: str) -> str:
        return f"#{_text(text, fmt, fmt)}" if text else ""

    if q.qtype == QuestionType.ESSAY:
        lines.append(f"{head}{{{general}}}")
    elif q.qtype == QuestionType.TRUE_FALSE:
        right, wrong = (
            (q.true_feedback, q.false_feedback)
            if q.correct
            else (q.false_feedback, q.true_feedback)
        )
        answer = "TRUE" if q.correct else "FALSE"
        if wrong or right:
            answer += "#" + (_text(wrong, fmt, fmt) if wrong else "")
        if right:
            answer += "#" + _text(right, fmt, fmt)
        lines.append(f"{head}{{{answer}{general}}}")
    else:
        opening = "{#" if q.qtype == QuestionType.NUMERICAL else "{"
        answers = [f"\t{answer}" for answer in _answer_lines(q, feedback)]
        if general:
            answers.append(f"\t{general}")
        lines.append("\n".join([head + opening, *answers, "}"]))
    return "\n".join(lines) + "\n"


def _answer_lines(q: Question, feedback) -> list[str]:
    fmt = q.text_format
    if q.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        single = q.qtype == QuestionType.SINGLE
        # A choice question needs a "~" (or it reads as a short answer) and, to be
        # single, an "=".
        all_right = all(c.fraction == 1 for c in q.choices)
        lines, marked = [], False
        for choice in q.choices:
            if single and choice.fraction == 1 and not (all_right and marked):
                marker, marked = "=", True
            elif choice.fraction == 0:
                marker = "~"
            else:
                marker = f"~%{percent(choice.fraction)}%"
            lines.append(marker + _text(choice.text, fmt, fmt) + feedback(choice.feedback))
        return lines
    if q.qtype == QuestionType.SHORT:
        return [
            f"=%{percent(c.fraction)}%{_text(c.text, fmt, fmt)}{feedback(c.feedback)}"
            for c in q.choices
        ]
    if q.qtype == QuestionType.NUMERICAL:
        lines = []
        for index, number in enumerate(q.numbers):
            last = index == len(q.numbers) - 1
            if is_catch_all(number):
                if last and number.fraction == 0:
                    lines.append("~" + (feedback(number.feedback) or "#"))
                    continue
                spec = "*"
            elif number.is_range:
                spec = f"{plain_decimal(number.low)}..{plain_decimal(number.high)}"
            else:
                spec = plain_decimal(number.value)
                if number.tolerance:
                    spec += f":{plain_decimal(number.tolerance)}"
            lines.append(f"=%{percent(number.fraction)}%{spec}{feedback(number.feedback)}")
        return lines
    if q.qtype == QuestionType.MATCHING:
        return [f"={_text(p.prompt, fmt, fmt)} -> {_escape(p.answer)}" for p in q.pairs]
    return []
