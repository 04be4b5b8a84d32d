# ruff: noqa: RUF001, RUF003 (full-width and look-alike characters, on purpose)
"""Reading CSV and XLSX files as a header and rows: the encodings Excel saves in, found
without asking and without reading the whole file; delimiters; quoting; line numbers;
Excel's cell types; and every file that can't be read."""

import datetime
import io
import re
import zipfile
from unittest.mock import patch

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from assessments.imports import readers
from assessments.imports.problems import ImportFileError
from assessments.imports.readers import open_table
from tests.factories import xlsx
from tests.strategies import han

pytestmark = pytest.mark.usefixtures("english")


def table(data: bytes, name: str = "data.csv"):
    return open_table(name, io.BytesIO(data))


def rows(data: bytes, name: str = "data.csv") -> list[tuple[int, list[str]]]:
    return list(table(data, name).rows())


def file_error(data: bytes, name: str = "data.csv") -> tuple[str, int, dict]:
    """The one problem of a file that can't be read, opening it or reading its rows."""
    with pytest.raises(ImportFileError) as caught:
        rows(data, name)
    [problem] = caught.value.problems
    return problem.code, problem.line, problem.params


CHINESE = "工号,姓名\r\nE1001,王喆\r\nE1002,刘䶮\r\nE1003,𠮷田\r\n"
EXPECTED = [(2, ["E1001", "王喆"]), (3, ["E1002", "刘䶮"]), (4, ["E1003", "𠮷田"])]


# Encodings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encode", "encoding"),
    [
        (lambda text: text.encode("utf-8"), "utf-8"),
        (lambda text: text.encode("utf-8-sig"), "utf-8-sig"),
        (lambda text: text.encode("gb18030"), "gb18030"),
    ],
)
def test_each_encoding_is_found_without_asking(encode, encoding):
    read = table(encode(CHINESE))
    assert read.headers == ["工号", "姓名"]
    assert list(read.rows()) == EXPECTED
    assert read.encoding == encoding


def test_an_ascii_file_is_utf8():
    read = table(b"a,b\r\n1,2\r\n")
    assert read.total_rows is None  # a CSV file's is not known before it is read
    assert list(read.rows()) == [(2, ["1", "2"])]
    assert read.encoding == "utf-8"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8"])
def test_chinese_that_comes_after_100_kb_of_ascii(encoding):
    lines = ["number,name"] + [f"E{n:05d},Wang" for n in range(1, 10_000)]
    lines += ["E10000,王喆", "E10001,张伟"]
    data = "\r\n".join(lines).encode(encoding)
    assert data[:100_000].isascii()
    read = table(data)
    found = list(read.rows())
    assert read.encoding == encoding
    assert found[-2:] == [(10_001, ["E10000", "王喆"]), (10_002, ["E10001", "张伟"])]
    assert len(found) == 10_001


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 5, 7, 16, 61])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_characters_split_between_reads(monkeypatch, chunk_size, encoding):
    monkeypatch.setattr(readers, "CHUNK_SIZE", chunk_size)
    read = table(CHINESE.encode(encoding))
    assert list(read.rows()) == EXPECTED
    assert read.encoding == encoding


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_character_across_the_first_read_boundary(encoding):
    """With the real block size: a multi-byte character straddles byte 65,536."""
    head = "number,name\r\n".encode(encoding)
    padding = b"E0," + b"x" * (readers.CHUNK_SIZE - len(head) - 3 - 1)
    data = head + padding + "𠮷\r\nE1,王喆\r\n".encode(encoding)
    boundary = readers.CHUNK_SIZE
    assert data[boundary - 1 : boundary + 1].decode(encoding, "replace") != data[
        boundary - 1 : boundary + 1
    ].decode("latin-1")  # the boundary cuts a character
    found = list(table(data).rows())
    assert found[0][1][1].endswith("x𠮷")
    assert found[1] == (3, ["E1", "王喆"])


def test_gb18030_that_could_be_utf8_is_held_back_until_a_line_tells(monkeypatch):
    # "一" is D2 BB in GB18030, which is also valid UTF-8 (Cyrillic һ).
    monkeypatch.setattr(readers, "CHUNK_SIZE", 16)
    assert "一".encode("gb18030").decode("utf-8") == "һ"
    text = "id,name\r\n1,一\r\n" + "".join(f"{n},abc\r\n" for n in range(2, 40)) + "40,王喆\r\n"
    read = table(text.encode("gb18030"))
    found = list(read.rows())
    assert read.encoding == "gb18030"
    assert found[0] == (2, ["1", "一"])
    assert found[-1] == (41, ["40", "王喆"])


def test_text_valid_in_both_is_utf8_when_nothing_tells():
    data = "id,name\r\n1,一\r\n".encode("gb18030")
    read = table(data)
    assert list(read.rows()) == [(2, ["1", "һ"])]
    assert read.encoding == "utf-8"


def test_bytes_of_neither_encoding_name_their_line():
    data = "id,name\r\n1,王喆\r\n".encode() + b"2,\xff\xfe\r\n3,x\r\n"
    assert file_error(data)[:2] == ("undecodable", 3)
    assert file_error(b"id,\xff\r\n1,2\r\n")[:2] == ("undecodable", 1)


def decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def test_bytes_that_change_encoding_further_on(monkeypatch):
    monkeypatch.setattr(readers, "CHUNK_SIZE", 32)
    # "王" in UTF-8 (E7 8E 8B) leaves a lone GB18030 lead byte: the file is UTF-8.
    data = "id,name\r\n1,王\r\n".encode() + b"2,abc\r\n" * 20 + "3,张伟\r\n".encode("gb18030")
    code, line, params = file_error(data)
    assert (code, line, params) == ("encoding_changed", 23, {"encoding": "UTF-8"})


def test_utf16_is_refused_with_a_hint():
    assert file_error("id,name\r\n".encode("utf-16"))[0] == "undecodable"


# Delimiters, quoting, lines -----------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_delimiters_are_found_from_the_header(delimiter):
    data = delimiter.join(["工号", "姓名", "备注"]) + "\r\n"
    data += delimiter.join(["E1", "王喆", '"a,b;c"']) + "\r\n"
    read = table(data.encode("gb18030"))
    assert read.headers == ["工号", "姓名", "备注"]
    assert list(read.rows()) == [(2, ["E1", "王喆", "a,b;c"])]


def test_a_record_is_numbered_by_the_line_where_it_starts():
    data = b'id,comment\r\n1,"two\r\nlines"\r\n2,"a, ""quoted""\nthree\nlines"\r\n3,plain\r\n'
    assert rows(data) == [
        (2, ["1", "two\r\nlines"]),
        (4, ["2", 'a, "quoted"\nthree\nlines']),
        (7, ["3", "plain"]),
    ]


def test_blank_lines_are_skipped_but_counted():
    data = b"\r\n  \r\nid,name\r\n\r\n1,a\r\n,\r\n \t, \r\n2,b\r\n\r\n"
    read = table(data)
    assert read.header_line == 3
    assert read.headers == ["id", "name"]
    assert list(read.rows()) == [(5, ["1", "a"]), (8, ["2", "b"])]


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_line_ends(end, monkeypatch):
    monkeypatch.setattr(readers, "CHUNK_SIZE", 5)
    data = end.join(["id,name", "1,王喆", "", '2,"x' + end + 'y"', "3,z"]).encode()
    assert rows(data) == [(2, ["1", "王喆"]), (4, ["2", f"x{end}y"]), (6, ["3", "z"])]


def test_a_trailing_delimiter_makes_no_column():
    read = table(b"id,name,\r\n1,a,\r\n")
    assert read.headers == ["id", "name"]
    assert list(read.rows()) == [(2, ["1", "a", ""])]


def test_headers_are_stripped_and_lose_a_stray_bom():
    read = table(" 工号 ,\ufeff姓名\r\n".encode("utf-8-sig"))
    assert read.headers == ["工号", "姓名"]


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n  \r\n", b"\xef\xbb\xbf", b",,,\r\n ,\r\n"])
def test_a_file_without_a_header(data):
    assert file_error(data)[0] == "empty_file"


def test_a_header_alone_has_no_rows():
    assert rows(b"id,name\r\n") == []


def test_a_line_too_long_for_a_csv_file(monkeypatch):
    monkeypatch.setattr(readers, "MAX_LINE", 1000)
    monkeypatch.setattr(readers, "CHUNK_SIZE", 100)
    data = b"id,name\r\n1,a\r\n2," + b"x" * 2000 + b"\r\n"
    assert file_error(data)[:2] == ("line_too_long", 3)


def test_a_quote_never_closed():
    data = b'id,name\r\n1,a\r\n2,"never closed\r\n' + b"x,y\r\n" * 40_000
    code, line, params = file_error(data)
    assert (code, line) == ("field_too_long", 3)
    assert params == {"max": 131072}


def test_rows_are_read_once():
    read = table(b"id\r\n1\r\n")
    list(read.rows())
    with pytest.raises(RuntimeError):
        read.rows()


def test_the_file_is_streamed_not_read_whole():
    class Stream(io.BytesIO):
        largest = 0

        def read(self, size=-1):
            assert size > 0, "read the whole file"
            Stream.largest = max(Stream.largest, size)
            return super().read(size)

    data = b"id,name\r\n" + b"1,abc\r\n" * 100_000
    read = open_table("big.csv", Stream(data))
    assert sum(1 for _row in read.rows()) == 100_000
    assert Stream.largest == readers.CHUNK_SIZE


# What is not a CSV file ---------------------------------------------------------------


def test_file_kinds_by_name_and_content():
    assert file_error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls")[0] == (
        "xls_file"
    )
    assert file_error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "renamed.csv")[0] == (
        "xls_file"
    )
    assert file_error(b"<table></table>", "html.xls")[0] == "xls_file"
    assert file_error(b"%PDF-1.4", "report.pdf")[0] == "unsupported_file"
    assert file_error(b"id,name\r\n", "data.xlsx")[0] == "not_xlsx"
    assert file_error(b"PK\x03\x04 not really a zip", "data.xlsx")[0] == "not_xlsx"
    assert rows(b"id\r\n1\r\n", "DATA.TXT") == [(2, ["1"])]
    assert rows(b"id\r\n1\r\n", "data.tsv") == [(2, ["1"])]
    assert rows(b"id\r\n1\r\n", "") == [(2, ["1"])]


def test_the_problem_names_the_file():
    with pytest.raises(ImportFileError) as caught:
        table(b"", "工资表.xls")
    [problem] = caught.value.problems
    assert problem.value == "工资表.xls"
    assert "save it as .xlsx" in problem.message
    assert "save it as .xlsx" in str(caught.value)


def test_a_workbook_named_csv_is_read_as_a_workbook():
    read = table(xlsx([["id", "name"], ["E1", "王喆"]]), "exported.csv")
    assert read.encoding == "xlsx"
    assert list(read.rows()) == [(2, ["E1", "王喆"])]


# XLSX ---------------------------------------------------------------------------------


def test_xlsx_cells_become_text():
    data = xlsx(
        [
            ["date", "datetime", "int", "float", "fraction", "sum", "bool", "none", "text"]
            + ["time"],
            [
                datetime.date(2026, 10, 1),
                datetime.datetime(2026, 10, 1, 14, 30),
                12,
                12.0,
                4.35,
                0.1 + 0.2,
                True,
                None,
                "0012",
                datetime.time(9, 5),
            ],
            [datetime.datetime(2026, 10, 1, 0, 0), None, -3, 1e-7, 1e20, 0.5, False, "", "x", ""],
        ]
    )
    read = table(data, "data.xlsx")
    assert read.encoding == "xlsx"
    assert read.headers[:3] == ["date", "datetime", "int"]
    assert list(read.rows()) == [
        (
            2,
            [
                "2026-10-01",
                "2026-10-01 14:30:00",
                "12",
                "12",
                "4.35",
                "0.3",
                "true",
                "",
                "0012",
                "09:05:00",
            ],
        ),
        (
            3,
            ["2026-10-01", "", "-3", "0.0000001", "100000000000000000000", "0.5", "false"]
            + ["", "x", ""],
        ),
    ]


def test_xlsx_rows_are_numbered_as_the_sheet_numbers_them():
    data = xlsx([[], [None, None], ["id", "name"], ["1", "a"], [], [None, " "], ["2", "b"]])
    read = table(data, "data.xlsx")
    assert read.header_line == 3
    assert read.total_rows == 4  # as the sheet records its size: for a progress bar
    assert list(read.rows()) == [(4, ["1", "a"]), (7, ["2", "b"])]


def test_xlsx_reads_the_first_sheet():
    assert rows(xlsx([["id"], ["1"]], sheets=3), "data.xlsx") == [(2, ["1"])]


def test_xlsx_with_a_wrong_recorded_size_is_read_whole():
    data = xlsx([["id", "name"], ["1", "a"], ["2", "b"], ["3", "c"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', content)
            target.writestr(item, content)
    assert [line for line, _cells in rows(out.getvalue(), "data.xlsx")] == [2, 3, 4]


def test_an_empty_workbook():
    assert file_error(xlsx([]), "data.xlsx")[0] == "empty_file"


def test_xlsx_from_a_stream_that_cannot_seek():
    class Pipe(io.RawIOBase):
        def __init__(self, data):
            self.data = io.BytesIO(data)

        def readable(self):
            return True

        def seekable(self):
            return False

        def read(self, size=-1):
            return self.data.read(size)

    read = open_table("data.xlsx", Pipe(xlsx([["id"], ["1"]])))
    assert list(read.rows()) == [(2, ["1"])]
    read.close()
    read.close()  # twice is fine


# A file in two encodings ----------------------------------------------------------------


def test_utf8_rows_then_gb18030_rows_are_refused_naming_the_first_line_that_changes():
    """The security review: UTF-8 rows, then rows saved in GB18030; before, the file was
    read as GB18030 whole and the first half garbled ("服务很好" as "鏈嶅姟寰堝ソ")."""
    head = "调查编号,工号,备注\r\nS1,E1,服务很好\r\nS2,E2,非常满意\r\n".encode()
    assert head.decode("utf-8")
    assert "服务很好".encode().decode("gb18030") == "鏈嶅姟寰堝ソ"
    data = head + "S3,E3,服务很好\r\nS4,E4,态度差\r\n".encode("gb18030")
    assert file_error(data) == ("encoding_changed", 4, {"encoding": "UTF-8"})


def test_gb18030_rows_then_utf8_rows_are_refused_naming_the_first_line_that_changes():
    data = "调查编号,工号,备注\r\nS1,E1,态度差\r\n".encode("gb18030")
    data += b"S2,E2,ok\r\n" + "S3,E3,服务很好\r\n".encode()  # valid GB18030 as well
    assert file_error(data) == ("encoding_changed", 4, {"encoding": "GB18030"})


@pytest.mark.parametrize("first", ["utf-8", "gb18030"])
def test_a_change_of_encoding_far_into_a_large_file(first):
    second = "gb18030" if first == "utf-8" else "utf-8"
    lines = ["工号,备注"] + [f"E{n:05d},服务很好，态度差" for n in range(20_000)]
    data = "\r\n".join(lines).encode(first) + "\r\nE2,服务很好\r\n".encode(second)
    assert len(data) > 5 * readers.CHUNK_SIZE
    assert file_error(data) == ("encoding_changed", 20_002, {"encoding": first.upper()})


COMMON = [
    character
    for high in range(0xB0, 0xD8)
    for low in range(0xA1, 0xFF)
    if (character := bytes((high, low)).decode("gb2312", "ignore"))
]
ASCII = "abcXYZ019 -_.:/@"
# Chinese as files have it: GB2312's common characters, ASCII and full-width punctuation;
# and any Han character at all, which UTF-8 holds as well.
common_text = st.text(st.one_of(st.sampled_from(COMMON), st.sampled_from(ASCII + "，。：")))
han_text = st.text(st.one_of(han, st.sampled_from(ASCII + "，。：")))
chunk_sizes = st.sampled_from([7, 64, 1 << 16])
UNHURRIED = settings(deadline=None)  # 7-byte reads on a loaded machine can take 200 ms


def lines_file(lines: list[bytes]) -> bytes:
    return b"id,text\r\n" + b"".join(b"%d,%s\r\n" % (n, line) for n, line in enumerate(lines))


def read_texts(data: bytes, chunk_size: int) -> list[str]:
    with patch.object(readers, "CHUNK_SIZE", chunk_size):
        return [cells[1] for _line, cells in rows(data)]


def first_error(data: bytes, chunk_size: int) -> tuple[str, int, dict]:
    with patch.object(readers, "CHUNK_SIZE", chunk_size):
        return file_error(data)


@UNHURRIED
@given(st.lists(han_text, min_size=1, max_size=8), st.booleans(), chunk_sizes)
def test_a_utf8_file_is_read_as_itself(texts, bom, chunk_size):
    data = lines_file([text.encode() for text in texts])
    assert read_texts(readers._BOM + data if bom else data, chunk_size) == texts


@UNHURRIED
@given(st.lists(common_text, min_size=1, max_size=8), chunk_sizes)
def test_a_gb18030_file_is_read_as_itself_once_a_line_tells(texts, chunk_size):
    data = lines_file([text.encode("gb18030") for text in texts])
    assume(not decodes(data, "utf-8"))  # some line tells
    assert read_texts(data, chunk_size) == texts


@UNHURRIED
@given(
    st.lists(han_text, min_size=1, max_size=5),
    st.integers(0, 40),  # ASCII lines between: the change may come in a later block
    st.lists(common_text, min_size=1, max_size=5),
    chunk_sizes,
)
def test_utf8_then_gb18030_is_refused_at_the_first_line_not_utf8(utf8, between, gb, chunk_size):
    assume(any(not text.isascii() for text in utf8))
    second = [text.encode("gb18030") for text in gb]
    changed = next((n for n, line in enumerate(second) if not decodes(line, "utf-8")), None)
    assume(changed is not None)
    lines = [text.encode() for text in utf8] + [b"ascii"] * between + second
    line = 2 + len(utf8) + between + changed
    assert first_error(lines_file(lines), chunk_size) == (
        "encoding_changed",
        line,
        {"encoding": "UTF-8"},
    )


@UNHURRIED
@given(
    st.lists(common_text, min_size=1, max_size=5),
    st.integers(0, 40),
    st.lists(han_text, min_size=1, max_size=5),
    chunk_sizes,
)
def test_gb18030_then_utf8_is_refused_at_the_first_han_line(gb, between, utf8, chunk_size):
    assume(any(not decodes(text.encode("gb18030"), "utf-8") for text in gb))
    changed = next((n for n, text in enumerate(utf8) if not text.isascii()), None)
    assume(changed is not None)
    lines = [text.encode("gb18030") for text in gb] + [b"ascii"] * between
    lines += [text.encode() for text in utf8]
    line = 2 + len(gb) + between + changed
    assert first_error(lines_file(lines), chunk_size) == (
        "encoding_changed",
        line,
        {"encoding": "GB18030"},
    )


@UNHURRIED
@given(
    st.lists(st.tuples(st.sampled_from(["utf-8", "gb18030"]), common_text), max_size=12),
    chunk_sizes,
)
def test_lines_in_either_encoding_read_as_themselves_or_the_file_is_refused(lines, chunk_size):
    """Whatever the mixture: the file is refused naming one of its lines, or every line
    that tells its encoding (UTF-8 with Han characters, GB18030 that is not UTF-8) reads
    as written; a file with telling lines of both encodings is always refused."""
    encoded = [text.encode(encoding) for encoding, text in lines]
    data = lines_file(encoded)
    telling = {
        encoding
        for (encoding, text), line in zip(lines, encoded, strict=True)
        if (encoding == "utf-8" and not text.isascii())
        or (encoding == "gb18030" and not decodes(line, "utf-8"))
    }
    try:
        texts = read_texts(data, chunk_size)
    except ImportFileError as error:
        [problem] = error.problems
        assert problem.code == "encoding_changed"
        assert 2 <= problem.line <= len(lines) + 1
        return
    assert len(telling) < 2
    for (encoding, text), read in zip(lines, texts, strict=True):
        if encoding in telling:
            assert read == text
