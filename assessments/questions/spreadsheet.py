# ruff: noqa: RUF001 (full-width punctuation in the Chinese examples, on purpose)
"""Questions as a table, one row per question: the CSV and XLSX template. Pure.

The first non-empty row names the columns, in Chinese or English (either set, or a
mix; case, spaces and a leading "选项"/"option" don't matter). Only 类型/type and
题目/question are required; the others may be left out.

=====================  ==============  ==============================================
Chinese                English         Holds
=====================  ==============  ==============================================
类型 (题型)            type            单选 多选 判断 填空 数值 匹配 问答, or single,
                                       multiple, truefalse, short, numerical,
                                       matching, essay
分类                   category        a path: 客户服务知识/投诉处理
标题                   name            the question's title (optional)
题目                   question        the question's text
格式                   format          moodle (the default), html, markdown, plain
A … H (选项A …)        A … H           one answer per column (more, up to Z, if the
                                       header has them): see below
答案                   answer          the key: see below
解析                   feedback        general feedback, shown after any answer
标签                   tags            separated by commas, semicolons or 、
分值                   mark            the default mark (1 if empty)
A反馈 …                A feedback …    feedback for the answer in column A …
选“对”反馈 选“错”反馈  true feedback,  a true/false question's feedback to the
                       false feedback  answers "true" and "false"
备注                   comment         a note for trainers, never shown to learners
ID号                   id number       Moodle's ID number: finds the question again
                                       when the file is imported a second time
=====================  ==============  ==============================================

Per type, the answer columns and 答案/answer:

- 单选/single: the choices in A, B, …; 答案 gives the right one's letter ("B"),
  and partial credit as "B,A:50" (A earns 50 %).
- 多选/multiple: the choices in A, B, …; 答案 lists the right ones ("A,C" or
  "AC"), which share 100 % equally; or weights, "A:50,C:50,B:-100" (negative: a
  penalty). The positive weights add up to 100.
- 判断/truefalse: 答案 is 对 or 错 (also 正确/错误, √/✗, true/false, T/F).
- 填空/short: each accepted answer in a column of its own, all worth 100 % unless
  答案 says otherwise ("B:50"); or, with no answer columns, in 答案 separated by
  | ("2小时|两小时|%50%2"; %50% before an answer gives its weight, \\| is a
  literal bar). `*` matches any answer.
- 数值/numerical: as short answer, each accepted number written 5, 5:0.5 or 5±0.5
  (5 give or take 0.5), 4..6 or 4~6 (a range), or * (any other number).
- 匹配/matching: each pair in a column, "prompt -> answer"; "-> answer" (no
  prompt) adds a wrong answer to choose from. At least 2 pairs with a prompt.
- 问答/essay: nothing; graded by hand.

CSV files may be UTF-8 (with or without BOM) or GB18030 (what Chinese Excel
saves), separated by commas, tabs or semicolons: all found without asking. XLSX
files are read from their first sheet. Every problem is reported, with its row
(as the spreadsheet numbers it) and column, in a `TableError`, and nothing is
returned when there is one; a file of more than `Limits.questions` rows or
`Limits.chars` characters is refused as soon as that is known. The writers produce
UTF-8 CSV with a BOM (which Excel opens correctly) and XLSX whose cells are all text,
a text that a spreadsheet would run as a formula (= + - @ first) behind an apostrophe
(`lms.platform.exports.safe_cell`), which the readers take off again: `write_*` output
reads back to equal questions.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _

from assessments.questions.data import (
    Choice,
    MatchPair,
    NumericAnswer,
    Question,
    QuestionType,
    TextFormat,
)
from assessments.questions.problems import (
    DEFAULT_LIMITS,
    HUNDRED,
    Limits,
    Problem,
    QuestionImportError,
    clean_text,
    decode_text,
    is_catch_all,
    normalize_category,
    percent,
    plain_decimal,
    question_problems,
    too_many_chars,
    too_many_questions,
)
from lms.platform.exports import FORMULA_PREFIXES, safe_cell

__all__ = [
    "TableError",
    "parse_csv",
    "parse_xlsx",
    "template_csv",
    "template_xlsx",
    "write_csv",
    "write_xlsx",
]


LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


TEMPLATE_OPTIONS = 8  # A..H


_INFINITY = Decimal("Infinity")


_SEVEN_PLACES = Decimal("0.0000001")


class TableError(QuestionImportError):
    """A table of questions that can't be imported; `problems` lists all of them."""


@dataclass(frozen=True)
class _Column:
    key: str
    en: str
    zh: str
    aliases: tuple[str, ...] = ()


_COLUMNS = [
    _Column("type", "type", "类型", ("题型", "questiontype", "试题类型", "qtype")),
    _Column("category", "category", "分类", ("类别", "题库分类", "目录")),
    _Column("name", "name", "标题", ("title", "名称", "题目名称", "试题名称")),
    _Column(
        "question", "question", "题目", ("text", "questiontext", "题干", "题目内容", "试题内容")
    ),
    _Column("format", "format", "格式", ("textformat", "文本格式")),
    _Column(
        "answer",
        "answer",
        "答案",
        ("answers", "correct", "key", "正确答案", "参考答案", "标准答案"),
    ),
    _Column("feedback", "feedback", "解析", ("generalfeedback", "答案解析", "试题解析", "反馈")),
    _Column("tags", "tags", "标签", ("tag", "知识点", "关键词")),
    _Column("mark", "mark", "分值", ("marks", "score", "points", "分数", "默认分值")),
    _Column(
        "true_feedback",
        "true feedback",
        "选“对”反馈",
        ("truefeedback", "feedbacktrue", "选对反馈", "对反馈", "选正确反馈"),
    ),
    _Column(
        "false_feedback",
        "false feedback",
        "选“错”反馈",
        ("falsefeedback", "feedbackfalse", "选错反馈", "错反馈", "选错误反馈"),
    ),
    _Column("comment", "comment", "备注", ("note", "notes", "注释", "说明")),
    _Column("idnumber", "id number", "ID号", ("idnumber", "id", "编号", "试题编号")),
]


_BY_KEY = {c.key: c for c in _COLUMNS}


_REQUIRED = ("type", "question")


_HEADER_JUNK = re.compile("[\\s_\\-.*:/()\"'“”\u2018\u2019「」『』]+")  # after NFKC


_OPTION = re.compile(r"(?:option|选项)?([a-z])")


_OPTION_FEEDBACK = re.compile(
    r"(?:option|选项)?([a-z])(?:feedback|反馈|解析)|(?:feedback|反馈|解析)(?:option|选项)?([a-z])"
)


_TYPE_NAMES = {
    QuestionType.SINGLE: ("单选", "单选题", "单项选择", "单项选择题", "singlechoice"),
    QuestionType.MULTIPLE: ("多选", "多选题", "多项选择", "多项选择题", "multiplechoice"),
    QuestionType.TRUE_FALSE: ("判断", "判断题", "是非题", "对错题", "tf"),
    QuestionType.SHORT: ("填空", "填空题", "shortanswer"),
    QuestionType.NUMERICAL: ("数值", "数值题", "数字题", "计算题", "numeric", "number"),
    QuestionType.MATCHING: ("匹配", "匹配题", "连线", "连线题", "match"),
    QuestionType.ESSAY: ("问答", "问答题", "简答", "简答题", "论述", "论述题", "主观题"),
}


_TYPES = {
    _HEADER_JUNK.sub("", name.lower()): qtype
    for qtype, names in _TYPE_NAMES.items()
    for name in (qtype.value, *names)
}


_TRUE = {"true", "t", "yes", "y", "1", "对", "正确", "是", "真", "√", "✓", "✔"}


_FALSE = {"false", "f", "no", "n", "0", "错", "错误", "否", "假", "\u00d7", "✗", "✘", "x"}


_KEY_SEPARATORS = re.compile(r"[\s,、;]+")  # after NFKC


_KEY_ITEM = re.compile(r"([A-Za-z])(?::([-+]?[0-9]+(?:\.[0-9]+)?)%?)?")


_TAG_SEPARATORS = re.compile("[,\uff0c\u3001;\uff1b]")


_PIPE = re.compile("(?<!\\\\)[|\uff5c]")


_WEIGHT_PREFIX = re.compile(r"%\s*([-+]?[0-9]+(?:\.[0-9]+)?)\s*%")


_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


_RANGE = re.compile(r"(.+?)(?:\.\.|~)(.+)")  # after NFKC


def _norm(header: str) -> str:
    return _HEADER_JUNK.sub("", unicodedata.normalize("NFKC", header).lower())


def _column_key(header: str) -> str | None:
    """What a header names: a column's key, "A".."Z" (an answer column), or
    "feedback:A".. (an answer's feedback); None if it is no column of ours."""
    name = _norm(header)
    for column in _COLUMNS:
        if name in {_norm(n) for n in (column.key, column.en, column.zh, *column.aliases)}:
            return column.key
    match = _OPTION.fullmatch(name)
    if match:
        return match.group(1).upper()
    match = _OPTION_FEEDBACK.fullmatch(name)
    if match:
        return "feedback:" + (match.group(1) or match.group(2)).upper()
    return None


def _header(key: str, language: str) -> str:
    zh = _is_chinese(language)
    if key in _BY_KEY:
        column = _BY_KEY[key]
        return column.zh if zh else column.en
    if key.startswith("feedback:"):
        letter = key.removeprefix("feedback:")
        return f"{letter}反馈" if zh else f"{letter} feedback"
    return key


def _is_chinese(language: str) -> bool:
    return (language or "zh").lower().startswith("zh")


# Reading ---------------------------------------------------------------------------


def parse_csv(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> list[Question]:
    """The questions in a CSV file; `TableError` lists every problem."""
    if len(data) > 4 * limits.chars:  # no character takes more than 4 bytes
        raise TableError([too_many_chars(limits)])
    text = decode_text(data)
    if text is None:
        raise TableError(
            [
                Problem(
                    0,
                    _(
                        "The file is not UTF-8 or GB18030 text. In Excel, save it as "
                        "“CSV UTF-8” or “CSV (comma delimited)”."
                    ),
                )
            ]
        )
    if len(text) > limits.chars:
        raise TableError([too_many_chars(limits)])
    text = text.removeprefix("\ufeff")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",\t;", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > limits.questions + 1:  # and the header
                raise TableError([too_many_questions(limits)])
    except csv.Error as error:
        raise TableError(
            [
                Problem(
                    len(rows) + 1,
                    _("Row %(row)d: the CSV file can't be read (%(error)s).")
                    % {"row": len(rows) + 1, "error": error},
                )
            ]
        ) from None
    return _parse_rows(rows)


def parse_xlsx(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> list[Question]:
    """The questions on the first sheet of an XLSX workbook; `TableError` lists every
    problem."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a file that isn't a workbook
        raise TableError([Problem(0, _("The file is not an Excel workbook (.xlsx)."))]) from None
    try:
        rows, chars = [], 0
        for values in workbook.worksheets[0].iter_rows(min_row=1, values_only=True):
            row = [_cell_text(value) for value in values]
            rows.append(row)
            chars += sum(map(len, row))
            if chars > limits.chars:
                raise TableError([too_many_chars(limits)])
            if len(rows) > limits.questions + 1:  # and the header
                raise TableError([too_many_questions(limits)])
    except TableError:
        raise
    except Exception:
        raise TableError([Problem(0, _("The file is not an Excel workbook (.xlsx)."))]) from None
    finally:
        workbook.close()
    return _parse_rows(rows)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, datetime.time):  # Excel turned "5:30" into a time
        return f"{value.hour}:{value.minute:02d}" + (f":{value.second:02d}" * bool(value.second))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


class _Problems:
    def __init__(self):
        self.items: list[Problem] = []

    def add(self, row: int, problem: str, column: str = "") -> None:
        if column:
            message = _("Row %(row)d, column “%(column)s”: %(problem)s") % {
                "row": row,
                "column": column,
                "problem": problem,
            }
        else:
            message = _("Row %(row)d: %(problem)s") % {"row": row, "problem": problem}
        self.items.append(Problem(row, message, column))


def _parse_rows(rows: Sequence[Sequence[str]]) -> list[Question]:
    problems = _Problems()
    cells = [[_clean_cell(c) for c in row] for row in rows]
    header_at = next((i for i, row in enumerate(cells) if any(row)), None)
    if header_at is None:
        return []
    header_row = header_at + 1
    columns: dict[str, tuple[int, str]] = {}
    unnamed: list[int] = []
    for index, header in enumerate(cells[header_at]):
        if not header:
            unnamed.append(index)
            continue
        key = _column_key(header)
        if key is None:
            problems.add(
                header_row,
                _("“%(column)s” is not a column of the template.") % {"column": header},
                header,
            )
        elif key in columns:
            problems.add(
                header_row,
                _("“%(column)s” is the same column as “%(other)s”.")
                % {"column": header, "other": columns[key][1]},
                header,
            )
        else:
            columns[key] = (index, header)
    for key in _REQUIRED:
        if key not in columns:
            column = _BY_KEY[key]
            problems.add(
                header_row,
                _("there is no “%(zh)s” (%(en)s) column; the first row names the columns.")
                % {"zh": column.zh, "en": column.en},
            )
    if problems.items:
        raise TableError(problems.items)

    questions = []
    for offset, row in enumerate(cells[header_at + 1 :], header_row + 1):
        if not any(row):
            continue
        for index in unnamed:
            if index < len(row) and row[index]:
                problems.add(
                    offset,
                    _("“%(value)s” is in a column with no name in the first row.")
                    % {"value": row[index]},
                )
        values = {
            key: row[index] if index < len(row) else "" for key, (index, _h) in columns.items()
        }
        headers = {key: header for key, (_i, header) in columns.items()}
        question = _RowReader(offset, values, headers, problems).question()
        if question is not None:
            questions.append(question)
    if problems.items:
        raise TableError(problems.items)
    return questions


def _clean_cell(value) -> str:
    text = value if isinstance(value, str) else _cell_text(value)
    text = clean_text(text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    # The apostrophe the writers put before a text a spreadsheet would take for a formula.
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_PREFIXES):
        text = text[1:]
    return text


def _safe_cell(text: str) -> str:
    """A text as a cell no spreadsheet runs as a formula, which `_clean_cell` reads back."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_PREFIXES):
        return "'" + text
    return safe_cell(text)


class _RowReader:
    def __init__(self, row: int, values: dict, headers: dict, problems: _Problems):
        self.row, self.values, self.headers, self.problems = row, values, headers, problems
        self.count = len(problems.items)

    def get(self, key: str) -> str:
        return self.values.get(key, "")

    def problem(self, key: str, message: str, **values) -> None:
        self.problems.add(self.row, message % values if values else message, self.headers[key])

    def question(self) -> Question | None:
        qtype = self.qtype()
        if not self.get("question"):
            self.problem("question", _("the question text is empty."))
        text_format = self.text_format()
        mark = self.mark()
        fields = self.answers(qtype) if qtype else {}
        tags = tuple(t.strip() for t in _TAG_SEPARATORS.split(self.get("tags")) if t.strip())
        if len(self.problems.items) > self.count or qtype is None:
            return None
        question = Question(
            qtype=qtype,
            text=self.get("question"),
            name=self.get("name"),
            text_format=text_format,
            general_feedback=self.get("feedback"),
            category=normalize_category(self.get("category")),
            tags=tags,
            default_mark=mark,
            comment=self.get("comment"),
            idnumber=self.get("idnumber"),
            **fields,
        )
        for problem in question_problems(question):
            self.problems.add(self.row, problem)
        return question if len(self.problems.items) == self.count else None

    def qtype(self) -> QuestionType | None:
        value = self.get("type")
        if not value:
            self.problem("type", _("the question type is missing."))
            return None
        qtype = _TYPES.get(_norm(value))
        if qtype is None:
            self.problem(
                "type",
                _(
                    "“%(value)s” is not a question type; use 单选, 多选, 判断, 填空, 数值, "
                    "匹配 or 问答 (single, multiple, truefalse, short, numerical, matching, "
                    "essay)."
                ),
                value=value,
            )
        return qtype

    def text_format(self) -> TextFormat:
        value = self.get("format").lower()
        if not value:
            return TextFormat.MOODLE
        try:
            return TextFormat(value)
        except ValueError:
            self.problem(
                "format",
                _(
                    "“%(value)s” is not a text format; use moodle, html, markdown or plain, "
                    "or leave it empty."
                ),
                value=self.get("format"),
            )
            return TextFormat.MOODLE

    def mark(self) -> Decimal:
        value = unicodedata.normalize("NFKC", self.get("mark"))
        if not value:
            return Decimal(1)
        if _NUMBER.fullmatch(value):
            return Decimal(value)
        self.problem(
            "mark",
            _("“%(value)s” is not a mark; write a number such as 1 or 2.5."),
            value=value,
        )
        return Decimal(1)

    # Answers ----------------------------------------------------------------------

    def options(self) -> dict[str, str]:
        return {key: value for key, value in self.values.items() if len(key) == 1 and value}

    def option_feedback(self) -> dict[str, str]:
        return {
            key.removeprefix("feedback:"): value
            for key, value in self.values.items()
            if key.startswith("feedback:") and value
        }

    def unused(self, keys: Iterable[str]) -> None:
        for key in keys:
            if self.get(key):
                self.problem(key, _("this type of question takes nothing in this column."))

    def answers(self, qtype: QuestionType) -> dict:
        options = self.options()
        feedback = self.option_feedback()
        feedback_keys = [f"feedback:{letter}" for letter in feedback]
        unused = [] if qtype == QuestionType.TRUE_FALSE else ["true_feedback", "false_feedback"]
        if qtype in (QuestionType.TRUE_FALSE, QuestionType.ESSAY):
            unused += [*options, *feedback_keys]
        if qtype in (QuestionType.MATCHING, QuestionType.ESSAY):
            unused += ["answer"]
        if qtype == QuestionType.MATCHING:
            unused += feedback_keys
        self.unused(key for key in self.values if key in unused)
        for letter in feedback:
            if letter not in options and qtype not in (
                QuestionType.TRUE_FALSE,
                QuestionType.ESSAY,
                QuestionType.MATCHING,
            ):
                self.problem(
                    f"feedback:{letter}",
                    _("there is feedback for answer %(letter)s, but no answer %(letter)s."),
                    letter=letter,
                )

        if qtype == QuestionType.ESSAY:
            return {}
        if qtype == QuestionType.TRUE_FALSE:
            return self.true_false()
        if qtype == QuestionType.MATCHING:
            return {"pairs": tuple(self.pair(key, options[key]) for key in sorted(options))}
        if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            if not options:
                where = "answer" if "answer" in self.headers else "question"
                self.problem(where, _("a choice question needs its answers in columns A, B, …"))
                return {}
            fractions = self.key(qtype, options)
            return {
                "choices": tuple(
                    Choice(options[k], fractions.get(k, Decimal(0)), feedback.get(k, ""))
                    for k in sorted(options)
                )
            }
        # short answer, numerical
        if options:
            fractions = self.exceptions(options)
            items = [
                (k, fractions.get(k, Decimal(1)), options[k], feedback.get(k, ""))
                for k in sorted(options)
            ]
        else:
            items = self.listed(qtype)
        if qtype == QuestionType.SHORT:
            return {"choices": tuple(Choice(text, f, fb) for _k, f, text, fb in items)}
        numbers = []
        for key, fraction, text, fb in items:
            number = self.number(key, text, fraction, fb)
            if number is not None:
                numbers.append(number)
        return {"numbers": tuple(numbers)}

    def true_false(self) -> dict:
        value = unicodedata.normalize("NFKC", self.get("answer")).strip().lower()
        if value in _TRUE or value in _FALSE:
            correct = value in _TRUE
        else:
            if "answer" not in self.headers:
                self.problems.add(
                    self.row, _("a true/false question needs an “答案” (answer) column.")
                )
            elif not value:
                self.problem("answer", _("say whether the statement is true: write 对 or 错."))
            else:
                self.problem(
                    "answer",
                    _("“%(value)s” is neither true nor false; write 对 or 错 (true or false)."),
                    value=self.get("answer"),
                )
            correct = None
        return {
            "correct": correct,
            "true_feedback": self.get("true_feedback"),
            "false_feedback": self.get("false_feedback"),
        }

    def weights(self, options: dict[str, str]) -> list[tuple[str, Decimal | None]] | None:
        """The 答案 cell as (letter, weight or None for a bare letter); None if unreadable."""
        value = re.sub(r"\s*[:=]\s*", ":", unicodedata.normalize("NFKC", self.get("answer")))
        tokens = [t for t in _KEY_SEPARATORS.split(value) if t]
        if len(tokens) == 1 and re.fullmatch(r"[A-Za-z]{2,}", tokens[0]):
            tokens = list(tokens[0])
        items, seen = [], set()
        for token in tokens:
            match = _KEY_ITEM.fullmatch(token)
            if not match:
                self.problem(
                    "answer",
                    _(
                        "“%(value)s” can't be read: write answer letters such as A or A,C, "
                        "with weights if needed, such as A:50,C:50."
                    ),
                    value=self.get("answer"),
                )
                return None
            letter = match.group(1).upper()
            weight = Decimal(match.group(2)) if match.group(2) else None
            if letter not in options:
                self.problem("answer", _("answer %(letter)s is named but empty."), letter=letter)
                return None
            if letter in seen:
                self.problem("answer", _("answer %(letter)s is named twice."), letter=letter)
                return None
            if weight is not None and not -HUNDRED <= weight <= HUNDRED:
                self.problem(
                    "answer",
                    _("the weight %(weight)s%% of answer %(letter)s is outside -100 to 100."),
                    weight=match.group(2),
                    letter=letter,
                )
                return None
            seen.add(letter)
            items.append((letter, weight))
        return items

    def key(self, qtype: QuestionType, options: dict[str, str]) -> dict[str, Decimal]:
        if "answer" not in self.headers or not self.get("answer"):
            where = "answer" if "answer" in self.headers else "question"
            self.problem(
                where,
                _("the right answer is missing: write its letter in “答案” (answer), such as A."),
            )
            return {}
        items = self.weights(options)
        if items is None:
            return {}
        fractions = {k: w / HUNDRED for k, w in items if w is not None}
        bare = [k for k, w in items if w is None]
        if qtype == QuestionType.SINGLE:
            fractions.update((k, Decimal(1)) for k in bare)
        else:
            fractions.update(zip(bare, shares(len(bare)), strict=True))
        return fractions

    def exceptions(self, options: dict[str, str]) -> dict[str, Decimal]:
        if not self.get("answer"):
            return {}
        items = self.weights(options) or []
        return {k: (Decimal(1) if w is None else w / HUNDRED) for k, w in items}

    def listed(self, qtype: QuestionType) -> list[tuple[str, Decimal, str, str]]:
        """Accepted answers written in 答案, separated by |."""
        value = self.get("answer")
        if not value:
            what = _("accepted answers") if qtype == QuestionType.SHORT else _("accepted numbers")
            self.problems.add(
                self.row,
                _(
                    "there are no %(what)s: put each in a column A, B, …, or all in “答案” "
                    "(answer) separated by |."
                )
                % {"what": what},
            )
            return []
        items = []
        for part in _PIPE.split(value):
            part = part.replace("\\|", "|").replace("\\\uff5c", "\uff5c").strip()
            fraction = Decimal(1)
            match = _WEIGHT_PREFIX.match(part)
            if match:
                weight = Decimal(match.group(1))
                if not -HUNDRED <= weight <= HUNDRED:
                    self.problem(
                        "answer",
                        _("the weight %(weight)s%% is outside -100 to 100."),
                        weight=match.group(1),
                    )
                fraction = weight / HUNDRED
                part = part[match.end() :].strip()
            if not part:
                self.problem("answer", _("an answer between | and | is empty."))
                continue
            items.append(("answer", fraction, part, ""))
        return items

    def number(self, key: str, text: str, fraction: Decimal, feedback: str):
        spec = unicodedata.normalize("NFKC", text).strip().replace("±", ":")
        if spec == "*":
            return NumericAnswer(fraction, low=-_INFINITY, high=_INFINITY, feedback=feedback)
        match = _RANGE.fullmatch(spec)
        if match and _NUMBER.fullmatch(match.group(1).strip()):
            low, high = match.group(1).strip(), match.group(2).strip()
            if _NUMBER.fullmatch(high):
                return NumericAnswer(
                    fraction, low=Decimal(low), high=Decimal(high), feedback=feedback
                )
        else:
            value, _colon, tolerance = spec.partition(":")
            value, tolerance = value.strip(), tolerance.strip() or "0"
            if _NUMBER.fullmatch(value) and _NUMBER.fullmatch(tolerance):
                return NumericAnswer(
                    fraction, value=Decimal(value), tolerance=Decimal(tolerance), feedback=feedback
                )
        self.problem(
            key,
            _(
                "“%(value)s” is not a number: write 5, 5:0.5 (give or take 0.5), 4..6 (a "
                "range) or * (any other number)."
            ),
            value=text,
        )
        return None

    def pair(self, key: str, text: str) -> MatchPair:
        prompt, arrow, answer = text.partition("->")
        if not arrow:
            self.problem(
                key,
                _("“%(value)s” is not a pair: write prompt -> answer."),
                value=text,
            )
        return MatchPair(prompt.strip(), answer.strip())


def shares(count: int) -> list[Decimal]:
    """100 % shared by `count` answers, to seven decimals, adding up to exactly 1 (the
    first takes what rounding leaves): 3 -> 0.3333334, 0.3333333, 0.3333333."""
    if count == 0:
        return []
    share = (Decimal(1) / count).quantize(_SEVEN_PLACES, rounding=ROUND_DOWN)
    first, share = (Decimal(1) - share * (count - 1)).normalize(), share.normalize()
    return [first, *[share] * (count - 1)]


# Writing ---------------------------------------------------------------------------


_TYPE_ZH = {
    QuestionType.SINGLE: "单选",
    QuestionType.MULTIPLE: "多选",
    QuestionType.TRUE_FALSE: "判断",
    QuestionType.SHORT: "填空",
    QuestionType.NUMERICAL: "数值",
    QuestionType.MATCHING: "匹配",
    QuestionType.ESSAY: "问答",
}


def _letters(question: Question) -> int:
    return max(len(question.choices), len(question.numbers), len(question.pairs))


def _table(questions: Iterable[Question], language: str, template: bool = False):
    """The header row and a row per question (strings, by column key)."""
    questions = list(questions)
    count = max([TEMPLATE_OPTIONS, *map(_letters, questions)])
    if count > len(LETTERS):
        raise ValueError(f"the table holds {len(LETTERS)} answers at most, not {count}")
    rows = [_row(q, language) for q in questions]
    keys = ["type", "category", "name", "question", "format", *LETTERS[:count]]
    keys += ["answer", "feedback", "tags", "mark"]
    if not template:
        used = {key for row in rows for key, value in row.items() if value}
        keys += [
            f"feedback:{letter}" for letter in LETTERS[:count] if f"feedback:{letter}" in used
        ]
        keys += [
            key
            for key in ("true_feedback", "false_feedback", "comment", "idnumber")
            if key in used
        ]
    header = [_header(key, language) for key in keys]
    return header, [[row.get(key, "") for key in keys] for row in rows]


def _row(q: Question, language: str) -> dict[str, str]:
    zh = _is_chinese(language)
    row = {
        "type": _TYPE_ZH[q.qtype] if zh else q.qtype.value,
        "category": q.category,
        "name": q.name,
        "question": q.text,
        "format": "" if q.text_format == TextFormat.MOODLE else q.text_format.value,
        "feedback": q.general_feedback,
        "tags": ("\uff0c" if zh else ", ").join(q.tags),
        "mark": plain_decimal(q.default_mark),
        "comment": q.comment,
        "idnumber": q.idnumber,
    }
    if q.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.SHORT):
        for letter, choice in zip(LETTERS, q.choices, strict=False):
            row[letter] = choice.text
            row[f"feedback:{letter}"] = choice.feedback
        fractions = [c.fraction for c in q.choices]
        if q.qtype == QuestionType.SHORT:
            row["answer"] = _exceptions(fractions)
        else:
            row["answer"] = _key(q.qtype, fractions)
    elif q.qtype == QuestionType.NUMERICAL:
        for letter, number in zip(LETTERS, q.numbers, strict=False):
            row[letter] = _number_text(number)
            row[f"feedback:{letter}"] = number.feedback
        row["answer"] = _exceptions([n.fraction for n in q.numbers])
    elif q.qtype == QuestionType.MATCHING:
        for letter, pair in zip(LETTERS, q.pairs, strict=False):
            row[letter] = f"{pair.prompt} -> {pair.answer}".strip()
    elif q.qtype == QuestionType.TRUE_FALSE:
        if q.correct is not None:
            row["answer"] = ("对" if q.correct else "错") if zh else str(q.correct).lower()
        row["true_feedback"] = q.true_feedback
        row["false_feedback"] = q.false_feedback
    return row


def _key(qtype: QuestionType, fractions: list[Decimal]) -> str:
    weighted = [(letter, f) for letter, f in zip(LETTERS, fractions, strict=False) if f != 0]
    if qtype == QuestionType.SINGLE:
        return ",".join(letter if f == 1 else f"{letter}:{percent(f)}" for letter, f in weighted)
    positive = [(letter, f) for letter, f in weighted if f > 0]
    if [f for _letter, f in positive] == shares(len(positive)):
        return ",".join(letter if f > 0 else f"{letter}:{percent(f)}" for letter, f in weighted)
    return ",".join(f"{letter}:{percent(f)}" for letter, f in weighted)


def _exceptions(fractions: list[Decimal]) -> str:
    return ",".join(
        f"{letter}:{percent(f)}" for letter, f in zip(LETTERS, fractions, strict=False) if f != 1
    )


def _number_text(number: NumericAnswer) -> str:
    if is_catch_all(number):
        return "*"
    if number.is_range:
        return f"{plain_decimal(number.low)}..{plain_decimal(number.high)}"
    text = plain_decimal(number.value)
    return f"{text}:{plain_decimal(number.tolerance)}" if number.tolerance else text


def write_csv(questions: Iterable[Question], language: str = "zh") -> bytes:
    """A CSV file (UTF-8 with BOM, for Excel) that `parse_csv` reads back to equal
    questions. Column names in Chinese ("zh") or English ("en")."""
    header, rows = _table(questions, language)
    return _csv_bytes(header, rows)


def write_xlsx(questions: Iterable[Question], language: str = "zh") -> bytes:
    """An XLSX workbook that `parse_xlsx` reads back to equal questions."""
    header, rows = _table(questions, language)
    return _xlsx_bytes(header, rows, language)


def template_csv(language: str = "zh") -> bytes:
    """The CSV template: the column names and example questions, in that language."""
    header, rows = _table(_examples(language), language, template=True)
    return _csv_bytes(header, rows)


def template_xlsx(language: str = "zh") -> bytes:
    """The XLSX template: the column names and example questions, in that language."""
    header, rows = _table(_examples(language), language, template=True)
    return _xlsx_bytes(header, rows, language)


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[_safe_cell(clean_text(cell)) for cell in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


def _xlsx_bytes(header: list[str], rows: list[list[str]], language: str) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "题目" if _is_chinese(language) else "Questions"
    for row_number, values in enumerate([header, *rows], 1):
        for column, value in enumerate(values, 1):
            cell = sheet.cell(row=row_number, column=column)
            cell.value = _safe_cell(clean_text(value)) if row_number > 1 else clean_text(value)
            cell.data_type = "s"  # text, even when it starts with "=" or looks like a number
            if row_number == 1:
                cell.font = Font(bold=True)
            elif "\n" in value:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, name in enumerate(header, 1):
        letter = openpyxl.utils.get_column_letter(column)
        sheet.column_dimensions[letter].width = 40 if name in ("题目", "question") else 14
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _examples(language: str) -> list[Question]:
    D = Decimal
    if _is_chinese(language):
        return [
            Question(
                QuestionType.SINGLE,
                "客户预约上门收件，快递员最迟应在预约时间后多久之内上门？",
                name="3.1.2 上门收寄时效",
                category="客户服务知识/服务时效",
                choices=(
                    Choice("30 分钟", D(0)),
                    Choice("2 小时", D(1)),
                    Choice("4 小时", D(0)),
                    Choice("24 小时", D(0)),
                ),
                general_feedback="手册 3.1.2：在客户预约时间内上门，最迟不超过预约时间后 2 小时。",
                tags=("服务时效", "收寄"),
            ),
            Question(
                QuestionType.MULTIPLE,
                "按手册 4.2.1，客户投诉分为哪几类？",
                name="4.2.1 投诉分类",
                category="客户服务知识/投诉处理",
                choices=(
                    Choice("服务类", D("0.25")),
                    Choice("运输类", D("0.25")),
                    Choice("信息类", D("0.25")),
                    Choice("其他类", D("0.25")),
                    Choice("财务类", D(0)),
                ),
                general_feedback="投诉分为服务类、运输类、信息类和其他类四类。",
                tags=("投诉处理",),
                default_mark=D(2),
            ),
            Question(
                QuestionType.TRUE_FALSE,
                "快件出现异常时，应在 24 小时内联系客户。",
                name="3.1.5 异常处理时效",
                category="客户服务知识/服务时效",
                correct=False,
                general_feedback="手册 3.1.5：快件出现异常时，2 小时内联系客户并提供解决方案。",
                tags=("服务时效", "异常"),
            ),
        ]
    return [
        Question(
            QuestionType.SINGLE,
            "A customer books a pickup. At most how long after the booked time may the "
            "courier arrive?",
            name="3.1.2 Pickup time limit",
            category="Customer service/Time limits",
            choices=(
                Choice("30 minutes", D(0)),
                Choice("2 hours", D(1)),
                Choice("4 hours", D(0)),
                Choice("24 hours", D(0)),
            ),
            general_feedback="Manual 3.1.2: arrive within the booked time, at most 2 hours "
            "after it.",
            tags=("time limits", "pickup"),
        ),
        Question(
            QuestionType.MULTIPLE,
            "Under manual 4.2.1, which kinds of complaint are there?",
            name="4.2.1 Kinds of complaint",
            category="Customer service/Complaints",
            choices=(
                Choice("Service", D("0.25")),
                Choice("Transport", D("0.25")),
                Choice("Information", D("0.25")),
                Choice("Other", D("0.25")),
                Choice("Finance", D(0)),
            ),
            general_feedback="Complaints are about service, transport, information or other "
            "matters.",
            tags=("complaints",),
            default_mark=D(2),
        ),
        Question(
            QuestionType.TRUE_FALSE,
            "When something goes wrong with a parcel, the customer must be contacted within "
            "24 hours.",
            name="3.1.5 Exceptions",
            category="Customer service/Time limits",
            correct=False,
            general_feedback="Manual 3.1.5: contact the customer within 2 hours, with a solution.",
            tags=("time limits", "exceptions"),
        ),
    ]
