# ruff: noqa: RUF001 (full-width characters, on purpose)
"""What holds for every file: any record written as CSV (in each encoding, with any
delimiter and any mix of header languages) or as XLSX reads back as itself; no bytes
make the reader fail with anything but an `ImportFileError`; problems name the line
where their record starts."""

import csv
import functools
import io
from datetime import date, datetime, timedelta
from decimal import Decimal as D

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from assessments.imports import values as v
from assessments.imports.kinds import (
    KINDS,
    ComplaintRecord,
    EfficiencyRecord,
    RosterRecord,
    SurveyRecord,
    TeamworkRecord,
    read,
)
from assessments.imports.problems import ImportFileError
from assessments.imports.readers import open_table
from assessments.imports.templates import EXAMPLES, _cell_value, cell_text, template_xlsx

SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


pytestmark = pytest.mark.usefixtures("english")


# Records ------------------------------------------------------------------------------

han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
rare = st.sampled_from("䶮喆堃𠮷𡈼")  # outside GB2312; 𠮷 takes four bytes in GB18030
latin = st.sampled_from("abcXYZ019")
marks = st.sampled_from(" ,;\"'-·（）、，。")
SEPARATORS = set("/／>＞\\＼")


def words(max_size: int, *, lines: bool = False, min_size: int = 0):
    alphabet = st.one_of(han, rare, latin, marks, *([st.just("\n")] if lines else []))
    return (
        st.text(alphabet, max_size=max_size)
        .map(str.strip)
        .filter(lambda text: len(text) >= min_size)
    )


numbers = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,15}", fullmatch=True)
days = st.dates(min_value=date(1901, 1, 1), max_value=date(2999, 12, 31))
moments = st.datetimes(min_value=datetime(1901, 1, 1), max_value=datetime(2999, 1, 1)).map(
    lambda moment: moment.replace(microsecond=0)
)
names = words(12, min_size=1)
org_names = names.filter(lambda name: not set(name) & SEPARATORS)
references = words(20, min_size=1)
comments = words(30, lines=True)
counts = st.integers(min_value=0, max_value=v.MAX_COUNT)
emails = st.one_of(
    st.just(""),
    st.from_regex(r"[a-z][a-z0-9]{0,8}(\.[a-z0-9]{1,5})?@example\.com", fullmatch=True),
)
phones = st.one_of(
    st.just(""), st.from_regex(r"1[3-9][0-9]{9}|\+86 [0-9]{3} [0-9]{4}", fullmatch=True)
)


def codes(enumeration: v.Enumeration):
    return st.sampled_from([option.code for option in enumeration.options])


def after(moment: datetime):
    return st.one_of(
        st.none(),
        st.integers(min_value=0, max_value=10**7).map(lambda s: moment + timedelta(seconds=s)),
    )


@st.composite
def roster_records(draw):
    hire_date = draw(days)
    status = draw(codes(v.STAFF_STATUSES))
    left_on = None
    if status == "left":
        left_on = draw(st.one_of(st.none(), st.dates(hire_date, date(2999, 12, 31))))
    return RosterRecord(
        draw(numbers),
        draw(names),
        tuple(draw(st.lists(org_names, min_size=1, max_size=4))),
        draw(codes(v.POSITIONS)),
        hire_date,
        status,
        left_on,
        draw(emails),
        draw(phones),
    )


@st.composite
def survey_records(draw):
    scale = draw(codes(v.SCALES))
    low, high = v.SCALE_BOUNDS[scale]
    return SurveyRecord(
        draw(references),
        draw(numbers),
        draw(days),
        draw(codes(v.SURVEY_SOURCES)),
        draw(st.decimals(min_value=low, max_value=high, places=2)),
        scale,
        draw(comments),
    )


@st.composite
def complaint_records(draw):
    received = draw(moments)
    return ComplaintRecord(
        draw(references),
        draw(numbers),
        received,
        draw(codes(v.COMPLAINT_CATEGORIES)),
        draw(st.booleans()),
        draw(after(received)),
        draw(after(received)),
        draw(comments),
        draw(st.one_of(st.none(), numbers)),
    )


@st.composite
def part_of(draw):
    total = draw(st.one_of(st.none(), counts))
    part = None if total is None else draw(st.one_of(st.none(), st.integers(0, total)))
    return total, part


@st.composite
def efficiency_records(draw):
    start = draw(days)
    pairs = [draw(part_of()) for _measure in range(5)]
    if all(total is None for total, _part in pairs):
        pairs[0] = (draw(counts), None)
    flat = [value for pair in pairs for value in pair]
    # exceptions solved within 2 hours: at most those contacted within them (index 7)
    contacted = flat[7]
    solved = None if contacted is None else draw(st.one_of(st.none(), st.integers(0, contacted)))
    flat.insert(8, solved)
    return EfficiencyRecord(draw(numbers), start, draw(st.dates(start, date(2999, 12, 31))), *flat)


@st.composite
def teamwork_records(draw):
    max_score = draw(st.decimals(min_value=D("0.01"), max_value=v.MAX_DECIMAL, places=2))
    return TeamworkRecord(
        draw(numbers),
        draw(days),
        draw(codes(v.TEAMWORK_SOURCES)),
        draw(st.one_of(st.just(""), names)),
        draw(st.decimals(min_value=0, max_value=max_score, places=2)),
        max_score,
        draw(comments),
    )


RECORDS = {
    "roster": roster_records(),
    "surveys": survey_records(),
    "complaints": complaint_records(),
    "efficiency": efficiency_records(),
    "teamwork": teamwork_records(),
}


@st.composite
def files(draw):
    """(kind, records, header names, languages of the cells)"""
    kind = KINDS[draw(st.sampled_from(list(KINDS)))]
    records = draw(st.lists(RECORDS[kind.name], min_size=1, max_size=5))
    headers = [
        draw(st.sampled_from([column.en, column.zh, *column.aliases]))
        + draw(
            st.sampled_from(["", "（选填）", " (optional)"])
            if not column.required
            else st.just("")
        )
        for column in kind.columns
    ]
    languages = [draw(st.sampled_from(["en", "zh"])) for _column in kind.columns]
    return kind, records, headers, languages


def csv_bytes(kind, records, headers, languages, delimiter, encoding) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for record in records:
        writer.writerow(
            [
                cell_text(column, getattr(record, column.key), language)
                for column, language in zip(kind.columns, languages, strict=True)
            ]
        )
    return out.getvalue().encode(encoding)


def xlsx_bytes(kind, records, headers, languages, typed: bool) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    write = _cell_value if typed else cell_text
    for record in records:
        values = [
            write(column, getattr(record, column.key), language)
            for column, language in zip(kind.columns, languages, strict=True)
        ]
        sheet.append([None if value == "" else value for value in values])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read_back(kind, data: bytes, name: str) -> list:
    rows = list(read(kind, open_table(name, io.BytesIO(data))))
    assert [p.message for row in rows for p in row.problems] == []
    return [row.record for row in rows]


def decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


@SLOW
@given(
    files(),
    st.sampled_from([",", "\t", ";"]),
    st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_records_written_as_csv_read_back_as_themselves(file, delimiter, encoding):
    kind, records, headers, languages = file
    data = csv_bytes(kind, records, headers, languages, delimiter, encoding)
    if encoding == "gb18030":
        # GB18030 bytes that are also valid UTF-8 are read as UTF-8: a file that short
        # can't tell the two apart (test_readers shows how longer files do).
        assume(data.isascii() or not decodes(data, "utf-8"))
    assert read_back(kind, data, "data.csv") == records


@SLOW
@given(files(), st.booleans())
def test_records_written_as_xlsx_read_back_as_themselves(file, typed):
    kind, records, headers, languages = file
    data = xlsx_bytes(kind, records, headers, languages, typed)
    assert read_back(kind, data, "data.xlsx") == records


# Anything at all ----------------------------------------------------------------------


def read_everything(kind_name: str, data: bytes, name: str) -> list:
    """Every row of the file, or [] if it can't be read: nothing else may go wrong."""
    try:
        table = open_table(name, io.BytesIO(data))
        rows = list(read(KINDS[kind_name], table))
        table.close()
    except ImportFileError as error:
        assert error.problems and all(p.message for p in error.problems)
        return []
    for row in rows:
        assert (row.record is None) == bool(row.problems)
        assert all(p.line == row.line and p.message for p in row.problems)
    return rows


@given(
    st.sampled_from(list(KINDS)),
    st.binary(max_size=3000),
    st.sampled_from(["a.csv", "a.txt", "a.xlsx", "a.xls", "a", "a.doc"]),
)
def test_random_bytes_never_crash(kind_name, data, name):
    read_everything(kind_name, data, name)


cells = st.text(
    st.one_of(han, rare, latin, marks, st.sampled_from('\r\n"\t,;0123456789-/: .%是否')),
    max_size=30,
)


@given(
    st.sampled_from(list(KINDS)),
    st.lists(st.lists(cells, max_size=15), max_size=8),
    st.sampled_from(["utf-8", "gb18030", "utf-16"]),
    st.data(),
)
def test_random_tables_under_a_real_header_never_crash(kind_name, rows, encoding, data):
    kind = KINDS[kind_name]
    header = [data.draw(st.sampled_from([c.en, c.zh])) for c in kind.columns]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    read_everything(kind_name, out.getvalue().encode(encoding, "replace"), "a.csv")


@functools.cache
def workbook_template(kind_name: str) -> bytes:
    return template_xlsx(kind_name, "zh")  # once: each one is stamped with the time


@settings(SLOW, max_examples=30)
@given(st.sampled_from(list(KINDS)), st.data())
def test_damaged_workbooks_never_crash(kind_name, data):
    workbook = bytearray(workbook_template(kind_name))
    for _damage in range(data.draw(st.integers(1, 5))):
        position = data.draw(st.integers(0, len(workbook) - 1))
        workbook[position] = data.draw(st.integers(0, 255))
    read_everything(kind_name, bytes(workbook), "a.xlsx")


# Line numbers -------------------------------------------------------------------------

SURVEY_HEADER = "调查编号,工号,调查日期,调查方式,满意度得分,评分制,备注"


@given(
    st.lists(
        st.tuples(
            st.integers(0, 2),  # blank lines before the row
            st.lists(st.sampled_from(["第一行", "two", ""]), min_size=1, max_size=4),  # comment
            st.booleans(),  # a bad date
        ),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from(["\r\n", "\n", "\r"]),
)
def test_problems_point_at_the_line_where_their_record_starts(rows, end):
    lines = [SURVEY_HEADER]
    physical = 1  # lines so far, the header's included
    expected = []
    for number, (blanks, comment_lines, bad) in enumerate(rows):
        lines += [""] * blanks
        physical += blanks
        expected.append((physical + 1, bad))
        day = "2026-02-30" if bad else "2026-10-08"
        lines.append(f'R{number},E1,{day},问卷调查,4,1-5,"' + end.join(comment_lines) + '"')
        physical += len(comment_lines)
    data = end.join(lines).encode("gb18030")
    rows_read = read_everything("surveys", data, "data.csv")
    assert [(row.line, bool(row.problems)) for row in rows_read] == expected
    for row in rows_read:
        for problem in row.problems:
            assert (problem.line, problem.code, problem.column) == (
                row.line,
                "bad_date",
                "调查日期",
            )


def test_the_examples_are_valid_records_of_their_kind():
    """The property strategies and the templates describe the same records."""
    for kind_name, examples in EXAMPLES.items():
        fields = {column.key for column in KINDS[kind_name].columns}
        for example in examples:
            assert set(example) <= fields
