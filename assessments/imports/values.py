# ruff: noqa: RUF001, RUF002 (full-width characters, on purpose)
"""Reading one cell: text as people and Excel write it, to a plain Python value. Pure.

Each parser takes the cell's text, stripped and not empty (the caller decides what
an empty cell means), and returns the value or raises `BadValue`, whose `code` is a
key of `problems.MESSAGES`. The common case (ISO dates, plain digits, printable
text) takes a fast path without regular expressions or Unicode normalisation, since
a metrics file has millions of cells.

- dates: 2026-10-01, 2026/10/1, 2026.10.1, 2026年10月1日, 20261001 (years 1900–2999);
  a midnight time after the date is allowed (Excel writes one).
- datetimes: a date, then 14:30 or 14:30:05 after a space or "T"; naive (local time:
  the service applies the time zone). A date alone is midnight.
- integers: full-width digits (NFKC), "12.0" (Excel's), a sign; "1,234" is refused
  with its own message, as the comma is a decimal point in some countries.
- decimals: digits with a point (also "。" and "．"), a sign; no exponent, no comma.
- booleans: yes/no, true/false, 1/0, y/n, 是/否, 有/无, 对/错, √/×, …
- enumerations: the English code, English label or Chinese label, or an alias, with
  case, spaces, "_" and "-" ignored.
- org-unit paths: "华东区/上海浦东站/浦东收派一组", with spaces, "／", ">" or "\\" between names.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

MAX_COUNT = 2_147_483_647  # PositiveIntegerField
MAX_DECIMAL = Decimal("999999.99")
MAX_EMPLOYEE_NUMBER = 32  # User.username
MAX_EMAIL = 254
MAX_PHONE = 32  # StaffProfile.phone
MAX_NAME = 100  # StaffProfile.full_name, OrgUnit.name
MIN_YEAR, MAX_YEAR = 1900, 2999


class BadValue(ValueError):
    """A cell that can't be read: `code` names the problem, `params` what it says."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


# Text ---------------------------------------------------------------------------------

# Control and invisible characters (zero-width spaces, BOMs): never meant, refused by
# PostgreSQL (NUL) and XLSX. Line breaks and tabs are handled apart.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff]")
_BREAKS = re.compile(r"\s*(?:\r\n|[\r\n\t\x85\u2028\u2029])\s*")
_NEWLINES = re.compile(r"\r\n|[\r\x85\u2028\u2029]")


def clean_line(value: str) -> str:
    """One line of text: invisible characters removed, line breaks and tabs made spaces."""
    if value.isprintable():
        return value.strip()
    return _INVISIBLE.sub("", _BREAKS.sub(" ", value)).strip()


def clean_multiline(value: str) -> str:
    """Text that may hold lines: line ends made "\\n", invisible characters removed."""
    if value.isprintable():
        return value.strip()
    return _INVISIBLE.sub("", _NEWLINES.sub("\n", value)).strip()


def text(max_length: int, *, multiline: bool = False) -> Callable[[str], str]:
    """A parser for free text of at most `max_length` characters."""
    clean = clean_multiline if multiline else clean_line

    def parse(value: str) -> str:
        value = clean(value)
        if len(value) > max_length:
            raise BadValue("too_long", max=max_length)
        return value

    return parse


_EMPLOYEE_NUMBER = re.compile(r"[A-Za-z0-9._-]+")


def parse_employee_number(value: str) -> str:
    """Letters, digits, "-", "_" and "."; full-width ones made half-width."""
    if len(value) <= MAX_EMPLOYEE_NUMBER and value.isascii() and value.isalnum():
        return value
    value = unicodedata.normalize("NFKC", value).strip()
    if len(value) <= MAX_EMPLOYEE_NUMBER and _EMPLOYEE_NUMBER.fullmatch(value):
        return value
    raise BadValue("bad_employee_number", max=MAX_EMPLOYEE_NUMBER)


def parse_email(value: str) -> str:
    value = unicodedata.normalize("NFKC", clean_line(value))
    if len(value) > MAX_EMAIL:
        raise BadValue("too_long", max=MAX_EMAIL)
    try:
        validate_email(value)
    except ValidationError:
        raise BadValue("bad_email") from None
    return value


_PHONE = re.compile(r"\+?[0-9()][0-9 ()\-]*")


def parse_phone(value: str) -> str:
    value = unicodedata.normalize("NFKC", clean_line(value))
    if len(value) > MAX_PHONE or not _PHONE.fullmatch(value) or not any(map(str.isdigit, value)):
        raise BadValue("bad_phone", max=MAX_PHONE)
    return value


_PATH_SEPARATOR = re.compile(r"\s*[/／>＞\\＼]\s*")


def parse_org_path(value: str) -> tuple[str, ...]:
    """An org unit as the names from the top down: ("华东区", "上海", "浦东站")."""
    names = tuple(name for name in _PATH_SEPARATOR.split(clean_line(value)) if name)
    if not names:
        raise BadValue("bad_org_path")
    for name in names:
        if len(name) > MAX_NAME:
            raise BadValue("too_long", max=MAX_NAME)
    return names


# Dates --------------------------------------------------------------------------------

_DATE = (
    r"(?P<y>[0-9]{4})(?:"
    r"(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"
    r"|\s*年\s*(?P<m2>[0-9]{1,2})\s*月\s*(?P<d2>[0-9]{1,2})\s*[日号]?"
    r"|(?P<m3>[0-9]{2})(?P<d3>[0-9]{2}))"
)
_TIME = (
    r"(?:(?:\s*T\s*|\s+|(?<=[日号]))"
    r"(?P<H>[0-9]{1,2})\s*:\s*(?P<M>[0-9]{2})(?:\s*:\s*(?P<S>[0-9]{2})(?:\.(?P<f>[0-9]{1,6}))?)?)?"
)
_DATETIME = re.compile(_DATE + _TIME)


def _normalize(value: str) -> str:
    return unicodedata.normalize("NFKC", value).replace("\u2212", "-").replace("。", ".").strip()


def _date_time_parts(value: str) -> re.Match | None:
    return _DATETIME.fullmatch(_normalize(value))


def _date_of(match: re.Match) -> date:
    month = match["m"] or match["m2"] or match["m3"]
    day = match["d"] or match["d2"] or match["d3"]
    result = date(int(match["y"]), int(month), int(day))  # ValueError if impossible
    if not MIN_YEAR <= result.year <= MAX_YEAR:
        raise ValueError(result)
    return result


@functools.lru_cache(maxsize=4096)  # a metrics file has the same few dates on every row
def parse_date(value: str) -> date:
    if len(value) == 10 and value[4] == "-" and value[7] == "-" and value.isascii():
        try:
            result = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if MIN_YEAR <= result.year <= MAX_YEAR:
                return result
    match = _date_time_parts(value)
    if match is None or any(match[part] and int(match[part]) for part in "HMSf"):
        raise BadValue("bad_date")
    try:
        return _date_of(match)
    except ValueError:
        raise BadValue("bad_date") from None


def parse_datetime(value: str) -> datetime:
    """A naive datetime (local time), to the second; a date alone is midnight."""
    if (
        len(value) in (16, 19)
        and value[4] == "-"
        and value[10] in " T"
        and value[13] == ":"
        and value.isascii()
    ):
        try:
            result = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if MIN_YEAR <= result.year <= MAX_YEAR and result.tzinfo is None:
                return result
    match = _date_time_parts(value)
    if match is None:
        raise BadValue("bad_datetime")
    try:
        day = _date_of(match)
        if match["H"] is None:
            return datetime(day.year, day.month, day.day)
        fraction = (match["f"] or "").ljust(6, "0")
        return datetime(
            day.year,
            day.month,
            day.day,
            int(match["H"]),
            int(match["M"]),
            int(match["S"] or 0),
            int(fraction),
        )
    except ValueError:
        raise BadValue("bad_datetime") from None


# Numbers ------------------------------------------------------------------------------

_INTEGER = re.compile(r"([+-]?[0-9]+)(?:\.0*)?")
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:[, '][0-9]{3})+(?:\.[0-9]*)?")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def _grouped(value: str) -> None:
    if _GROUPED.fullmatch(value):
        digits = re.sub(r"[, ']", "", value)
        raise BadValue("thousands_separator", number=digits)


def parse_integer(value: str) -> int:
    """A whole number, maybe negative; "12.0" (as Excel writes 12) is 12."""
    if value.isdecimal():
        number = int(value)
    else:
        value = _normalize(value)
        match = _INTEGER.fullmatch(value)
        if match is None:
            _grouped(value)
            raise BadValue("bad_integer")
        number = int(match[1])
    if abs(number) > MAX_COUNT:
        raise BadValue("number_too_large", max=MAX_COUNT)
    return number


def parse_count(value: str) -> int:
    """A whole number, 0 or more."""
    if value.isdecimal():  # the fast path: digits (int() reads full-width ones too)
        number = int(value)
        if number > MAX_COUNT:
            raise BadValue("number_too_large", max=MAX_COUNT)
        return number
    number = parse_integer(value)
    if number < 0:
        raise BadValue("negative_count")
    return number


def decimal(places: int = 2) -> Callable[[str], Decimal]:
    """A parser for a number with at most `places` decimal places."""
    step = Decimal(1).scaleb(-places)

    def parse(value: str) -> Decimal:
        value = _normalize(value)
        if not _DECIMAL.fullmatch(value):
            _grouped(value)
            raise BadValue("bad_decimal")
        try:
            number = Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern lets only numbers through
            raise BadValue("bad_decimal") from None
        if abs(number) > MAX_DECIMAL:
            raise BadValue("number_too_large", max=str(MAX_DECIMAL))
        if number.as_tuple().exponent < -places and number != number.quantize(step):
            raise BadValue("too_many_decimals", places=places)
        return number + 0  # "-0" is 0

    return parse


parse_decimal = decimal(2)


def parse_score(value: str) -> Decimal:
    """A score, 0 or more, two decimals at most; a trailing "%" is allowed."""
    value = _normalize(value).removesuffix("%").rstrip()
    number = parse_decimal(value)
    if number < 0:
        raise BadValue("negative_score")
    return number


# Yes and no ---------------------------------------------------------------------------

_TRUE = {
    "yes",
    "y",
    "true",
    "t",
    "1",
    "是",
    "是的",
    "有",
    "对",
    "真",
    "√",
    "✓",
    "✔",
    "有责",
    "属实",
}
_FALSE = {"no", "n", "false", "f", "0", "否", "不是", "无", "没有", "错", "假", "×", "✗", "✘"}
_FALSE |= {"无责", "不属实"}


def parse_boolean(value: str) -> bool:
    key = _normalize(value).casefold()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise BadValue("bad_boolean")


# Enumerations -------------------------------------------------------------------------

_OPTION_JUNK = re.compile(r"[\s_\-–—~～]+")


def _option_key(value: str) -> str:
    return _OPTION_JUNK.sub("", _normalize(value).casefold())


@dataclass(frozen=True)
class Option:
    """One value of an enumeration: the code stored, its labels, other names for it."""

    code: str
    en: str
    zh: str
    aliases: tuple[str, ...] = ()


class Enumeration:
    """A parser for one of a few values, named by code, label or alias, in either language."""

    def __init__(self, options: Sequence[Option]):
        self.options = tuple(options)
        self._codes: dict[str, str] = {}
        for option in self.options:
            for name in (option.code, option.en, option.zh, *option.aliases):
                key = _option_key(name)
                if self._codes.setdefault(key, option.code) != option.code:
                    raise ValueError(f"{name!r} names two options")

    def __call__(self, value: str) -> str:
        code = self._codes.get(_option_key(value))
        if code is None:
            raise BadValue("bad_choice", choices=self.choices_text())
        return code

    def choices_text(self) -> str:
        """The values, in both languages: "问卷调查 (questionnaire), 电话访问 (phone), …"."""
        return ", ".join(f"{option.zh} ({option.code})" for option in self.options)

    def label(self, code: str, language: str) -> str:
        option = next(option for option in self.options if option.code == code)
        return option.zh if language.startswith("zh") else option.en


# Manual 5.1: the four ways of surveying customers.
SURVEY_SOURCES = Enumeration(
    [
        Option(
            "questionnaire",
            "Questionnaire",
            "问卷调查",
            ("问卷", "调查问卷", "survey", "questionnaire survey"),
        ),
        Option(
            "phone",
            "Phone interview",
            "电话访问",
            (
                "电话",
                "电话回访",
                "电话调查",
                "电话访谈",
                "telephone",
                "phone survey",
                "phone call",
            ),
        ),
        Option(
            "online",
            "Online survey",
            "在线调查",
            ("在线", "在线评价", "网上调查", "网络调查", "线上调查", "web", "internet"),
        ),
        Option(
            "mystery_shopper",
            "Mystery shopping",
            "神秘购物",
            ("神秘顾客", "神秘客", "暗访", "mystery shopper", "mystery"),
        ),
    ]
)

# Manual 4.2.1: the four kinds of complaint.
COMPLAINT_CATEGORIES = Enumeration(
    [
        Option("service", "Service", "服务类", ("服务", "服务类投诉", "服务投诉")),
        Option("transport", "Transport", "运输类", ("运输", "运输类投诉", "运输投诉")),
        Option("information", "Information", "信息类", ("信息", "信息类投诉", "info")),
        Option("other", "Other", "其他类", ("其他", "其它", "其它类", "其他类投诉")),
    ]
)

# lms.models.accounts.Position, with its Chinese labels.
POSITIONS = Enumeration(
    [
        Option("courier", "Courier", "快递员", ("快递小哥", "派送员", "收派员", "快递")),
        Option(
            "customer_service",
            "Customer-service agent",
            "客服专员",
            ("客服", "客服人员", "客户服务", "customer service", "agent", "cs"),
        ),
        Option("station_staff", "Station staff", "站点员工", ("站点人员", "网点员工", "站务")),
        Option("trainer", "Trainer", "培训师", ("培训讲师", "讲师")),
        Option("hr", "HR", "人力资源", ("人事", "human resources")),
        Option("manager", "Manager", "经理", ("管理人员", "主管", "站长")),
    ]
)

# lms.models.accounts.StaffStatus.
STAFF_STATUSES = Enumeration(
    [
        Option("active", "Active", "在职", ("在岗", "正常", "employed", "current")),
        Option("left", "Left", "离职", ("已离职", "leaver", "former", "inactive")),
    ]
)

# The scales a satisfaction score is given on, and the bounds of each.
SCALES = Enumeration(
    [
        Option(
            "1-5",
            "1–5",
            "五分制",
            ("5", "5分制", "5分", "five point", "five", "1到5", "1至5", "5 point"),
        ),
        Option(
            "0-10",
            "0–10",
            "十分制",
            ("10", "10分制", "10分", "ten point", "ten", "0到10", "0至10", "10 point"),
        ),
        Option(
            "percent",
            "Percent",
            "百分制",
            ("%", "100", "0-100", "100分制", "百分比", "percentage", "0到100"),
        ),
    ]
)
SCALE_BOUNDS = {"1-5": (Decimal(1), Decimal(5)), "0-10": (Decimal(0), Decimal(10))}
SCALE_BOUNDS["percent"] = (Decimal(0), Decimal(100))

# Manual 6.3.4: teamwork and communication are judged from projects and cases.
TEAMWORK_SOURCES = Enumeration(
    [
        Option(
            "team_project",
            "Team project",
            "团队项目",
            ("团队协作项目", "团队协作", "项目", "project"),
        ),
        Option(
            "communication_case",
            "Communication case",
            "沟通案例",
            ("沟通", "案例", "case", "communication"),
        ),
    ]
)
