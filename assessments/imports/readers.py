"""Reading a CSV or XLSX file as a header and a stream of rows of text. Pure.

    open_table(name, stream) -> Table       # CSV or XLSX, by name and by content
    table.headers, table.header_line, table.encoding, table.total_rows (XLSX, if known)
    for line, cells in table.rows(): ...    # once; streamed
    table.close()

CSV is read in blocks that end at a line end, so memory stays bounded whatever the
file's size (a line may hold at most `MAX_LINE` bytes, a cell 131,072 characters).
The encoding is found without asking: a UTF-8 byte order mark means UTF-8; otherwise
the file is undecided while it is ASCII (the same in UTF-8 and GB18030), and the
first line that tells decides: a line valid in one encoding only is in that one, and a
line valid in both (Chinese text in UTF-8 often is) is UTF-8 if it has Han characters
read so (see `_told`). Lines that tell nothing are held back, up to `AMBIGUOUS_LIMIT`
bytes, until one does; if none does, UTF-8. A file is in one encoding: a later line in
the other one is refused as a change of encoding, naming it (found by a quick search
of each block, so that reading stays as fast). Since neither encoding puts a line-end byte inside a
character, blocks cut at line ends always decode on their own. Lines end with "\\n",
"\\r\\n" or "\\r"; a record's line is the physical line where it starts, the header
being line 1 when it is first. The delimiter is a comma, a tab or a semicolon,
whichever the header line has most.

XLSX is read from the first sheet with openpyxl in read-only mode; a row's line is
the sheet's row number. Cells become text: dates "2026-10-01", datetimes
"2026-10-01 14:30:00", whole numbers "12" (not "12.0"), other numbers with at most
15 significant digits as Excel shows them, booleans "true"/"false", empty "".

Blank rows are skipped everywhere, and trailing empty header cells (a trailing
delimiter) are dropped.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import tempfile
import warnings
from collections.abc import Iterator
from decimal import Decimal
from pathlib import PurePath
from typing import BinaryIO

from assessments.imports.problems import file_problem

CHUNK_SIZE = 1 << 16  # bytes read at a time
MAX_LINE = 1 << 20  # bytes in one physical line
AMBIGUOUS_LIMIT = 1 << 20  # bytes held back while UTF-8 and GB18030 both fit
FIELD_LIMIT = csv.field_size_limit()

CSV_EXTENSIONS = {".csv", ".txt", ".tsv", ""}
XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or an .xlsx locked with a password
_BOM = b"\xef\xbb\xbf"


def open_table(name: str, stream: BinaryIO) -> Table:
    """The table in an uploaded file: CSV or XLSX, told by its name and its first bytes.

    Raises `ImportFileError` when it is neither, or can't be read.
    """
    extension = PurePath(name or "").suffix.lower()
    try:
        start = stream.tell()
    except (AttributeError, OSError):
        start = 0
    first = stream.read(CHUNK_SIZE)
    while first and len(first) < len(_OLE):  # enough to tell a BOM or a workbook
        more = stream.read(CHUNK_SIZE)
        if not more:
            break
        first += more
    if first.startswith(_ZIP) and extension not in (".txt", ".tsv"):
        rewound = _rewound(stream, first, start)
        return XlsxTable(rewound, owned=rewound if rewound is not stream else None)
    if first.startswith(_OLE) or extension == ".xls":
        raise file_problem("xls_file", value=name)
    if extension in XLSX_EXTENSIONS:
        raise file_problem("not_xlsx", value=name)
    if extension not in CSV_EXTENSIONS:
        raise file_problem("unsupported_file", value=name)
    return CsvTable(stream, first)


def _rewound(stream: BinaryIO, first: bytes, start: int) -> BinaryIO:
    """The stream from where it started: sought back, or copied when it can't seek."""
    try:
        if stream.seekable():
            stream.seek(start)
            return stream
    except (AttributeError, OSError):
        pass
    copy = tempfile.SpooledTemporaryFile(max_size=16 << 20)  # noqa: SIM115 (the table closes it)
    copy.write(first)
    while block := stream.read(CHUNK_SIZE):
        copy.write(block)
    copy.seek(0)
    return copy


class Table:
    """A header and rows of text, read once."""

    headers: list[str]  # as written, stripped; trailing empty ones dropped
    header_line: int  # where the header is (1 unless blank lines come first)
    encoding: str  # "utf-8", "utf-8-sig", "gb18030", or "xlsx"
    total_rows: int | None = None  # rows after the header, if known (XLSX: as recorded)

    def __init__(self):
        self._read = False

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) for every non-blank row after the header, streamed. Once only:
        open the file again for a second pass."""
        if self._read:
            raise RuntimeError("the rows of a table can be read only once")
        self._read = True
        return self._rows()

    def _rows(self) -> Iterator[tuple[int, list[str]]]:
        raise NotImplementedError

    def close(self) -> None:
        """Release what the table opened (not the stream it was given)."""

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _headers(cells: list[str]) -> list[str]:
    headers = [cell.replace("\ufeff", "").strip() for cell in cells]
    while headers and not headers[-1]:
        headers.pop()
    return headers


def _is_blank(cells: list[str]) -> bool:
    return not cells or (not cells[0].strip() and not "".join(cells).strip())


# CSV ----------------------------------------------------------------------------------


def _line_ends(data: bytes | str) -> int:
    if isinstance(data, str):
        return data.count("\n") + data.count("\r") - data.count("\r\n")
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


class CsvTable(Table):
    def __init__(self, stream: BinaryIO, first: bytes):
        super().__init__()
        self.encoding = "utf-8"
        self._decided: str | None = None
        self._lines_done = 0  # physical lines in the blocks read so far
        if first.startswith(_BOM):
            self.encoding = self._decided = "utf-8-sig"
            first = first[len(_BOM) :]
        lines = self._text_lines(stream, first)
        # Blank lines before the header are skipped; the header's first line chooses
        # the delimiter.
        self._base = 0  # physical lines before the csv reader's first
        for header_text in lines:
            if header_text.strip():
                break
            self._base += 1
        else:
            raise file_problem("empty_file")
        delimiter = max(",\t;", key=header_text.count)
        self._reader = csv.reader(_chain(header_text, lines), delimiter=delimiter)
        self._previous = 0  # the csv reader's line_num after the last record
        for line, cells in self._records():
            if not _is_blank(cells):
                self.header_line = line
                self.headers = _headers(cells)
                break
        else:
            raise file_problem("empty_file")

    def _records(self, blank: bool = True) -> Iterator[tuple[int, list[str]]]:
        """Every record (or every non-blank one), with the line it starts on."""
        reader, base = self._reader, self._base
        previous = self._previous
        try:
            for cells in reader:
                line = base + previous + 1
                previous = self._previous = reader.line_num
                if blank or (cells and (cells[0].strip() or "".join(cells).strip())):
                    yield line, cells
        except csv.Error as error:
            line = base + previous + 1
            if "field limit" in str(error):
                raise file_problem("field_too_long", line=line, max=FIELD_LIMIT) from None
            raise file_problem("bad_csv", line=line, error=str(error)) from None

    def _rows(self) -> Iterator[tuple[int, list[str]]]:
        return self._records(blank=False)

    # Bytes to lines of text -------------------------------------------------------

    def _blocks(self, stream: BinaryIO, first: bytes) -> Iterator[bytes]:
        """The file in blocks that each end at a line end (the last one maybe not)."""
        carry = b""
        data = first
        while data:
            block = carry + data if carry else data
            cut = block.rfind(b"\n")
            if cut < 0:
                cut = block.rfind(b"\r", 0, len(block) - 1)
            if cut < 0:
                carry = block
                if len(carry) > MAX_LINE:
                    raise file_problem("line_too_long", line=self._lines_done + 1, max=MAX_LINE)
            else:
                carry = block[cut + 1 :]
                yield block[: cut + 1]
            data = stream.read(CHUNK_SIZE)
        if carry:
            yield carry

    def _text_lines(self, stream: BinaryIO, first: bytes) -> Iterator[str]:
        held: list[tuple[bytes, int]] = []  # (block, lines before it) while nothing tells
        held_size = 0
        for block in self._blocks(stream, first):
            before = self._lines_done
            self._lines_done += _line_ends(block)
            if self._decided:
                yield from self._decode(block, self._decided, before)
                continue
            if block.isascii() and not held:
                yield from self._decode(block, "ascii", before)
                continue
            told = None if block.isascii() else _first_told(block, before)
            held.append((block, before))
            held_size += len(block)
            if told is None and held_size < AMBIGUOUS_LIMIT:
                continue
            self.encoding = self._decided = told or "utf-8"
            for earlier, lines_before in held:
                yield from self._decode(earlier, self._decided, lines_before)
            held, held_size = [], 0
        if held:
            self.encoding = self._decided = "utf-8"
            for earlier, lines_before in held:
                yield from self._decode(earlier, "utf-8", lines_before)

    def _decode(self, block: bytes, encoding: str, before: int) -> io.StringIO:
        """The block's lines, each with its line end; `before`: lines before the block.

        Every line must be in the file's encoding: one that is not (it can't be read in
        it, or it is the other one's text: see `_told`) is a change of encoding."""
        codec = "utf-8" if encoding == "utf-8-sig" else encoding
        try:
            text = block.decode(codec)
        except UnicodeDecodeError as error:
            start = max(block.rfind(b"\n", 0, error.start), block.rfind(b"\r", 0, error.start))
            start += 1
            if start and codec != "ascii":  # a line before it may have changed already
                _check_lines(block[:start], codec, before)
            line = before + _line_ends(block[:start]) + 1
            rest = block[start:]
            told = _told(rest[: len(rest.splitlines()[0])])
            if told and codec != "ascii":
                raise file_problem("encoding_changed", line=line, encoding=_NAMES[codec]) from None
            raise file_problem("undecodable", line=line) from None
        if codec != "ascii":
            _check_lines(block, codec, before)
        return io.StringIO(text, newline="")


# Telling UTF-8 from GB18030, line by line ----------------------------------------------
#
# Chinese text in GB18030 is seldom valid UTF-8, but Chinese text in UTF-8 is often valid
# GB18030: its three bytes per character pair up into GB18030's two ("服务很好" in UTF-8
# reads as "鏈嶅姟寰堝ソ" in GB18030). So a line valid in both is UTF-8 when, read so, it has
# Han characters or CJK and full-width punctuation (three or four bytes each) and no
# character of two bytes beyond Latin-1, which is mostly what GB18030 read as UTF-8 gives
# ("一" in GB18030 is Cyrillic "\u04bb" in UTF-8); another line valid in both tells
# nothing, and is read as the lines around it.

_NAMES = {"utf-8": "UTF-8", "gb18030": "GB18030"}
# Han characters and the punctuation around them, all of three or four bytes in UTF-8
_CHINESE = re.compile(
    "[\u2000-\u206f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
    "\U00020000-\U0003ffff]"
)
_TWO_BYTES = re.compile("[\u0100-\u07ff]")  # beyond Latin-1: what GB18030 read as UTF-8 gives
# a run of non-ASCII bytes that begins with UTF-8 for a character of three or four bytes
_UTF8_WIDE = re.compile(rb"[\xe0-\xf4](?<![\x80-\xff][\xe0-\xf4])[\x80-\xbf][\x80-\xbf]")


def _told(line: bytes) -> str | None:
    """The encoding a line of bytes is in: "utf-8", "gb18030", "" when it can't tell
    (ASCII, or GB18030 that is also UTF-8 of two-byte characters), or None when it is
    in neither."""
    if line.isascii():
        return ""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030" if _decodes(line, "gb18030") else None
    if not _decodes(line, "gb18030"):
        return "utf-8"
    if _CHINESE.search(text) and not _TWO_BYTES.search(text):
        return "utf-8"
    return ""


def _decodes(line: bytes, encoding: str) -> bool:
    try:
        line.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _first_told(block: bytes, before: int) -> str | None:
    """The encoding the block's first telling line is in; None if no line tells."""
    for index, line in enumerate(block.splitlines()):
        told = _told(line)
        if told is None:
            raise file_problem("undecodable", line=before + index + 1)
        if told:
            return told
    return None


def _check_lines(block: bytes, encoding: str, before: int) -> None:
    """Raise `encoding_changed` for the first line of a block of GB18030 that is UTF-8.

    Only lines where text that is not ASCII begins with a character of three or four bytes
    in UTF-8 (as Han characters are) are looked at closely, found by one quick search. In
    a UTF-8 file nothing more is needed: a line valid as UTF-8 is never read as GB18030."""
    if encoding != "gb18030":
        return
    number, counted = before, 0
    found = _UTF8_WIDE.search(block)
    while found:
        at = found.start()
        start = max(block.rfind(b"\n", 0, at), block.rfind(b"\r", 0, at)) + 1
        ends = (block.find(b"\n", at), block.find(b"\r", at))
        end = min((end for end in ends if end >= 0), default=len(block))
        number += _line_ends(block[counted:start])
        counted = start
        if _told(block[start:end]) == "utf-8":
            raise file_problem("encoding_changed", line=number + 1, encoding=_NAMES[encoding])
        found = _UTF8_WIDE.search(block, end)


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


# XLSX ---------------------------------------------------------------------------------


class XlsxTable(Table):
    encoding = "xlsx"

    def __init__(self, stream: BinaryIO, *, owned: BinaryIO | None = None):
        super().__init__()
        import openpyxl

        self._workbook = None
        self._owned = owned  # a copy of the upload, made here
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # unsupported extensions, default styles
                self._workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
                sheet = self._workbook.worksheets[0]
                recorded = sheet.max_row
                sheet.reset_dimensions()  # some writers record a wrong size: read them all
            self._sheet_rows = self._cells(sheet)
            for line, cells in self._sheet_rows:
                if not _is_blank(cells):
                    self.header_line = line
                    self.headers = _headers(cells)
                    break
            else:
                raise file_problem("empty_file")
            if recorded and recorded > self.header_line:
                self.total_rows = recorded - self.header_line  # for progress, not a promise
        except Exception as error:
            self.close()
            if hasattr(error, "problems"):
                raise
            raise file_problem("not_xlsx", value=getattr(stream, "name", "") or "") from None

    @staticmethod
    def _cells(sheet) -> Iterator[tuple[int, list[str]]]:
        for line, values in enumerate(sheet.iter_rows(values_only=True), 1):
            yield line, [_cell_text(value) for value in values]

    def _rows(self) -> Iterator[tuple[int, list[str]]]:
        try:
            for line, cells in self._sheet_rows:
                if not _is_blank(cells):
                    yield line, cells
        except Exception as error:
            if hasattr(error, "problems"):
                raise
            raise file_problem("not_xlsx") from None

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None
        if self._owned is not None:
            self._owned.close()
            self._owned = None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = format(value, ".15g")  # as Excel shows it: 0.1 + 0.2 is 0.3
        return format(Decimal(text), "f") if "e" in text else text
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)
