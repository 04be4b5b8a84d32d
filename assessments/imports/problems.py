"""What can be wrong with an imported file, as data that outlives the request.

A `Problem` holds where (line, column, value), what (a stable `code`) and the
numbers the sentence needs (`params`), never the sentence itself: `message` builds
it in the language active when it is read, so a report that a background worker
stored as JSON shows in the reader's language later. Every code any part of the
import uses, the database checks included, has its sentence in `MESSAGES`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

MAX_VALUE = 100  # characters of the offending value kept in a problem

MESSAGES = {
    # The file as a whole (line 0), or its header line.
    "unsupported_file": _(
        "“%(value)s” is neither a CSV file nor an Excel workbook; save it as .xlsx or as "
        "CSV, then import that."
    ),
    "xls_file": _(
        "“%(value)s” is an old Excel workbook (.xls), or one locked with a password; in "
        "Excel, save it as .xlsx (Excel Workbook, no password) or as CSV, then import that."
    ),
    "not_xlsx": _(
        "The file can't be read as an Excel workbook (.xlsx); open it in Excel, save it "
        "again as .xlsx or as CSV, and import that."
    ),
    "undecodable": _(
        "Line %(line)s is neither UTF-8 nor GB18030 text; in Excel, save the file as "
        "“CSV UTF-8” or as .xlsx."
    ),
    "encoding_changed": _(
        "Line %(line)s is not %(encoding)s text like the lines before it; the file mixes "
        "two encodings. In Excel, save it as “CSV UTF-8” or as .xlsx."
    ),
    "line_too_long": _(
        "Line %(line)s is longer than %(max)s characters; this does not look like a CSV file."
    ),
    "field_too_long": _(
        'Line %(line)s: a cell is longer than %(max)s characters, or a quote (") opened '
        "there is never closed."
    ),
    "bad_csv": _("Line %(line)s can't be read as CSV (%(error)s)."),
    "empty_file": _("The file is empty: its first line must name the columns."),
    "missing_column": _(
        "Line %(line)s: there is no “%(zh)s” (%(en)s) column. The first line names the "
        "columns, in Chinese or in English; download the template to see them."
    ),
    "duplicate_column": _(
        "Line %(line)s: the columns “%(other)s” and “%(column)s” are the same column; "
        "keep only one of them."
    ),
    "too_many_problems": _("… and %(count)s more problems, not listed."),
    "too_many_rows": _("The file has more than %(max)s rows; split it into smaller files."),
    "too_slow": _(
        "Reading the file took longer than %(seconds)s seconds, the most allowed; split it "
        "into smaller files."
    ),
    # One cell.
    "required": _("Line %(line)s, column “%(column)s”: this cell must be filled in."),
    "too_long": _(
        "Line %(line)s, column “%(column)s”: the text is longer than %(max)s characters."
    ),
    "bad_date": _(
        "Line %(line)s, column “%(column)s”: “%(value)s” is not a date; write year, month "
        "and day, such as 2026-10-01."
    ),
    "bad_datetime": _(
        "Line %(line)s, column “%(column)s”: “%(value)s” is not a date and time; write it "
        "such as 2026-10-01 14:30."
    ),
    "bad_integer": _("Line %(line)s, column “%(column)s”: “%(value)s” is not a whole number."),
    "thousands_separator": _(
        "Line %(line)s, column “%(column)s”: write “%(value)s” without separators, as %(number)s."
    ),
    "negative_count": _(
        "Line %(line)s, column “%(column)s”: %(value)s is negative; a count is 0 or more."
    ),
    "number_too_large": _(
        "Line %(line)s, column “%(column)s”: %(value)s is too large; the largest allowed "
        "is %(max)s."
    ),
    "bad_decimal": _(
        "Line %(line)s, column “%(column)s”: “%(value)s” is not a number; write digits with "
        "a decimal point if needed, such as 4.5."
    ),
    "too_many_decimals": _(
        "Line %(line)s, column “%(column)s”: %(value)s has more than %(places)s decimal places."
    ),
    "bad_boolean": _(
        "Line %(line)s, column “%(column)s”: “%(value)s” is neither yes nor no; write 是 "
        "or 否 (yes or no)."
    ),
    "bad_choice": _(
        "Line %(line)s, column “%(column)s”: “%(value)s” is not one of the values this "
        "column takes: %(choices)s."
    ),
    "bad_email": _("Line %(line)s, column “%(column)s”: “%(value)s” is not an e-mail address."),
    "bad_phone": _(
        "Line %(line)s, column “%(column)s”: “%(value)s” is not a phone number; use digits, "
        "spaces, +, - and brackets, at most %(max)s characters."
    ),
    "bad_employee_number": _(
        "Line %(line)s, column “%(column)s”: “%(value)s” is not an employee number; use "
        "letters, digits, -, _ and . only, at most %(max)s characters."
    ),
    "bad_org_path": _(
        "Line %(line)s, column “%(column)s”: “%(value)s” is not an org unit path; write "
        "the names from the top down, separated by /, such as 华东区/上海浦东站/浦东收派一组."
    ),
    "negative_score": _("Line %(line)s, column “%(column)s”: the score %(value)s is negative."),
    # Two cells of one row.
    "score_out_of_scale": _(
        "Line %(line)s, column “%(column)s”: the score %(value)s is outside its scale, "
        "%(low)s to %(high)s."
    ),
    "score_above_max": _(
        "Line %(line)s, column “%(column)s”: the score %(value)s is more than the maximum "
        "score, %(max_score)s in “%(max_column)s”."
    ),
    "max_score_not_positive": _(
        "Line %(line)s, column “%(column)s”: the maximum score must be more than 0, not %(value)s."
    ),
    "on_time_exceeds_total": _(
        "Line %(line)s, column “%(column)s”: %(value)s on time is more than the total, "
        "%(total)s in “%(total_column)s”."
    ),
    "solved_exceeds_contacted": _(
        "Line %(line)s, column “%(column)s”: %(value)s offered a solution within 2 hours is "
        "more than the %(total)s contacted within 2 hours in “%(total_column)s”; a solution "
        "offered means the customer was contacted."
    ),
    "on_time_without_total": _(
        "Line %(line)s, column “%(column)s”: %(value)s is given, but “%(total_column)s”, "
        "the total it is counted out of, is empty."
    ),
    "errors_exceed_items": _(
        "Line %(line)s, column “%(column)s”: %(value)s errors is more than the items "
        "handled, %(total)s in “%(total_column)s”."
    ),
    "errors_without_items": _(
        "Line %(line)s, column “%(column)s”: %(value)s errors are given, but "
        "“%(total_column)s”, the items they are counted out of, is empty."
    ),
    "no_measures": _("Line %(line)s: no count is filled in; give at least one."),
    "period_end_before_start": _(
        "Line %(line)s, column “%(column)s”: the period ends on %(value)s, before it "
        "starts on %(start)s."
    ),
    "left_before_hired": _(
        "Line %(line)s, column “%(column)s”: the leaving date %(value)s is before the hire "
        "date, %(hire_date)s."
    ),
    "left_on_but_active": _(
        "Line %(line)s, column “%(column)s”: a leaving date is given, but the status is "
        "active; write 离职 (left) as the status, or clear the date."
    ),
    "before_received": _(
        "Line %(line)s, column “%(column)s”: %(value)s is before the complaint was "
        "received, %(received)s."
    ),
    # Found against the database or the rest of the file (raised by the services).
    "unknown_employee": _(
        "Line %(line)s, column “%(column)s”: no member of staff has the employee number "
        "“%(value)s”."
    ),
    "left_employee": _(
        "Line %(line)s, column “%(column)s”: “%(value)s” left on %(left_on)s, before the "
        "date of this line."
    ),
    "duplicate_key": _(
        "Line %(line)s repeats line %(first_line)s (%(value)s): a record may appear only "
        "once in a file."
    ),
    "unknown_org_unit": _(
        "Line %(line)s, column “%(column)s”: there is no org unit “%(value)s”; write its "
        "full path, such as 华东区/上海浦东站/浦东收派一组."
    ),
    "org_unit_depth": _(
        "Line %(line)s, column “%(column)s”: “%(value)s” has more names than the "
        "organisation has levels; write at most %(levels)s, from the region down, such as "
        "华东区/上海浦东站/浦东收派一组."
    ),
    "org_unit_kind": _(
        "Line %(line)s, column “%(column)s”: staff belong to a branch/station or a team, "
        "not to “%(value)s”."
    ),
    "email_taken": _(
        "Line %(line)s, column “%(column)s”: another person already uses the e-mail "
        "address “%(value)s”."
    ),
    "email_repeated": _(
        "Line %(line)s, column “%(column)s”: line %(first_line)s gives the e-mail address "
        "“%(value)s” to another person; each person needs their own."
    ),
    "account_without_profile": _(
        "Line %(line)s, column “%(column)s”: the employee number “%(value)s” belongs to an "
        "account without a staff record (an administrator's, say); give this person "
        "another number."
    ),
    "account_protected": _(
        "Line %(line)s, column “%(column)s”: only an administrator may change this account "
        "(“%(value)s”, an HR or administrator account): its e-mail address, or whether it "
        "has left."
    ),
    "account_protected_new": _(
        "Line %(line)s, column “%(column)s”: only an administrator may create an account "
        "with the HR role (position “%(value)s”)."
    ),
    "account_protected_missing": _(
        "%(value)s is missing from the full roster, but only an administrator may mark an "
        "HR or administrator account as left; add their line to the file, or import it "
        "without “full roster”."
    ),
}

_FALLBACK = _("Line %(line)s, column “%(column)s”: “%(value)s” can't be imported (%(code)s).")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an imported file: where, what, and the numbers to say it."""

    line: int  # 1-based line (CSV) or row (XLSX) where the record starts; 0: the file
    column: str  # the column's header as the file writes it; "" for a row or the file
    value: str  # the offending value as written, cut to 100 characters
    code: str  # a key of MESSAGES
    params: dict = field(default_factory=dict, hash=False)  # JSON-able

    def __post_init__(self):
        if len(self.value) > MAX_VALUE:
            object.__setattr__(self, "value", self.value[: MAX_VALUE - 1] + "…")

    @property
    def message(self) -> str:
        """The complete sentence, in the language active now."""
        values = {
            **self.params,
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "code": self.code,
        }
        template = MESSAGES.get(self.code)
        if template is not None:
            try:
                return str(template) % values
            except (KeyError, TypeError, ValueError):  # params stored by another version
                pass
        return str(_FALLBACK) % values

    def to_json(self) -> dict:
        return {
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "code": self.code,
            "params": dict(self.params),
        }

    @classmethod
    def from_json(cls, data: dict) -> Problem:
        return cls(
            line=int(data.get("line", 0)),
            column=str(data.get("column", "")),
            value=str(data.get("value", "")),
            code=str(data.get("code", "")),
            params=dict(data.get("params") or {}),
        )


class ImportFileError(ValueError):
    """A file that can't be read at all; `problems` says why (usually one)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        return "\n".join(problem.message for problem in self.problems)


def file_problem(code: str, *, line: int = 0, value: str = "", **params) -> ImportFileError:
    """An `ImportFileError` holding one problem of the whole file (or of one line)."""
    return ImportFileError([Problem(line, "", value, code, params)])
