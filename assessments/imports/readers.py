"""Reading a CSV or XLSX file as a header and a stream of rows of text. Pure.

    open_table(name, stream) -> Table       # CSV or XLSX, by name and by content
    table.headers, table.header_line, table.encoding, table.total_rows (XLSX, if known)
    for line, cells in table.rows(): ...    # once; streamed
    table.close()

CSV is read in blocks that end at a line end, so memory stays bounded whatever the
file's size (a line may hold at most `MAX_LINE` bytes, a cell 131,072 characters).
The encoding is found without asking: a UTF-8 byte order mark means UTF-8; otherwise
the file is undecided while it is ASCII (the same in UTF-8 and GB18030), and the
first block holding other bytes decides: UTF-8 if it is valid UTF-8, else GB18030 if
it is valid GB18030. A block valid in both (short Chinese text can be) is held back,
up to `AMBIGUOUS_LIMIT` bytes, until a block tells them apart; if none does, UTF-8.
Since neither encoding puts a line-end byte inside a character, blocks cut at line
ends always decode on their own. Lines end with "\\n", "\\r\\n" or "\\r"; a record's
line is the physical line where it starts, the header being line 1 when it is first.
The delimiter is a comma, a tab or a semicolon, whichever the header line has most.

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


def _line_ends(data: bytes) -> int:
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
        held: list[bytes] = []  # blocks read while UTF-8 and GB18030 both fit
        held_size = 0
        for block in self._blocks(stream, first):
            before = self._lines_done
            self._lines_done += _line_ends(block)
            if self._decided:
                yield from self._decode(block, self._decided, before)
                continue
            if block.isascii():
                if held:
                    held.append(block)
                    held_size += len(block)
                else:
                    yield from self._decode(block, "ascii", before)
                continue
            fits = [enc for enc in ("utf-8", "gb18030") if _decodes(block, enc)]
            if not fits:
                self._undecodable(block, before)
            held.append(block)
            held_size += len(block)
            if len(fits) == 2 and held_size < AMBIGUOUS_LIMIT:
                continue
            self.encoding = self._decided = fits[0]
            for earlier in held:
                yield from self._decode(earlier, self._decided, before)
            held, held_size = [], 0
        if held:
            self.encoding = self._decided = "utf-8"
            for earlier in held:
                yield from self._decode(earlier, "utf-8", 0)

    def _decode(self, block: bytes, encoding: str, before: int) -> io.StringIO:
        """The block's lines, each with its line end; `before`: lines before the block."""
        try:
            text = block.decode("utf-8" if encoding == "utf-8-sig" else encoding)
        except UnicodeDecodeError as error:
            self._undecodable(block, before, encoding, error)
        return io.StringIO(text, newline="")

    def _undecodable(self, block: bytes, before: int, encoding: str = "", error=None):
        """Raise the problem of a block that is not text in `encoding` (or in either)."""
        if error is None:
            starts = []
            for enc in ("utf-8", "gb18030"):
                try:
                    block.decode(enc)
                except UnicodeDecodeError as failure:
                    starts.append(failure.start)
            start = max(starts)
        else:
            start = error.start
        line = before + _line_ends(block[:start]) + 1
        if error is not None:
            utf8 = encoding.startswith("utf-8")
            if _decodes(block, "gb18030" if utf8 else "utf-8"):
                name = "UTF-8" if utf8 else "GB18030"
                raise file_problem("encoding_changed", line=line, encoding=name)
        raise file_problem("undecodable", line=line)


def _decodes(block: bytes, encoding: str) -> bool:
    try:
        block.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


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
