# ruff: noqa: RUF001, RUF002 (full-width characters, on purpose)
"""The five kinds of operational file HR imports, their columns and their records. Pure.

    KINDS["efficiency"] -> Kind           # roster, surveys, complaints, efficiency, teamwork
    for checked in read(kind, table):     # table: readers.open_table(...)
        checked.line, checked.record, checked.problems

`read` matches the header first (English or Chinese names or aliases, in any mix,
ignoring case, spaces, "_", "-", full width and a trailing "(optional)"/"（选填）"
or "*"): a missing required column or a column named twice is an `ImportFileError`;
columns it doesn't know are ignored (`unknown_columns` lists them). Then it yields a
`Checked` per row, streamed: the record, or None and every problem of the row. What
needs the database (is the employee number known? was the key seen in the file
before? see `keys.py`) is left to the services.

Empty cells: a required column's empty cell is a "required" problem; an optional
one's gives `Column.empty` (None, or "" for text). An optional column the file
doesn't have at all gives None, even for text, so that a re-import can leave what is
stored alone (a roster without an e-mail column doesn't clear the e-mail addresses);
text columns that are part of the natural key give "" instead.
"""

from __future__ import annotations

import dataclasses
import operator
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from assessments.imports import values as v
from assessments.imports.problems import ImportFileError, Problem
from assessments.imports.readers import Table

MAX_REFERENCE = 64
MAX_COMMENT = 2000
MAX_OUTCOME = 1000


@dataclass(frozen=True)
class Column:
    """One column of a kind of file: its names, whether it must be there, how to read it."""

    key: str  # the record's field
    en: str  # the English header the templates write
    zh: str  # the Chinese header the templates write
    required: bool  # the column must be in the file and its cells filled in
    aliases: tuple[str, ...]  # other headers that mean it, in either language
    parse: Callable[[str], Any]  # stripped, non-empty text -> value, or raises BadValue
    help_en: str  # what to write, for the template's instructions (English)
    help_zh: str  # the same, in Chinese
    example: str  # an example value
    empty: Any = None  # the value of an empty cell in an optional column


@dataclass(frozen=True)
class Kind:
    name: str
    label: Any  # lazy, translated
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # the record's fields that identify it (the natural key)
    record: type  # a frozen dataclass with a field per column (see _constructor)


@dataclass(frozen=True, slots=True)
class Checked:
    """One row of the file: its record, or None and why not."""

    line: int
    record: object | None
    problems: tuple[Problem, ...]


# Records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterRecord:
    employee_number: str
    full_name: str
    # names from the top down: ("华东区", "上海浦东站", "浦东收派一组")
    org_unit_path: tuple[str, ...]
    position: str  # lms.models.accounts.Position
    hire_date: date
    status: str  # "active" or "left"; without a status column, "left" if left_on is given
    left_on: date | None  # None with status "left": the service uses the import date
    email: str | None  # None: the file has no e-mail column
    phone: str | None  # None: the file has no phone column


@dataclass(frozen=True)
class SurveyRecord:
    reference: str
    employee_number: str
    date: date
    source: str  # questionnaire, phone, online, mystery_shopper (manual 5.1)
    score: Decimal  # on its scale, two decimals at most
    scale: str  # "1-5", "0-10" or "percent"
    comment: str | None


@dataclass(frozen=True)
class ComplaintRecord:
    reference: str
    employee_number: str
    received_at: datetime  # naive: local time
    category: str  # service, transport, information, other (manual 4.2.1)
    company_at_fault: bool
    first_contact_at: datetime | None
    resolved_at: datetime | None
    outcome: str | None
    # who handled it (投诉处理人员): the 24-hour reply is theirs (manual 4.3.1); None: not
    # recorded, and the reply time is charged to nobody
    handler: str | None


@dataclass(frozen=True)
class EfficiencyRecord:
    """Counts for one person and one period; None: not measured (not "zero")."""

    employee_number: str
    period_start: date
    period_end: date
    pickups: int | None
    pickups_on_time: int | None  # within 2 h of the booked time (manual 3.1.2)
    deliveries: int | None
    deliveries_on_time: int | None  # within 24 h of arrival (3.1.3)
    queries: int | None
    queries_on_time: int | None  # answered within 5 min (3.1.4)
    exceptions: int | None
    exceptions_on_time: int | None  # customer contacted within 2 h (3.1.5)
    exceptions_solved: int | None  # a solution offered within 2 h (3.1.5's second half)
    items_handled: int | None
    errors: int | None


@dataclass(frozen=True)
class TeamworkRecord:
    employee_number: str
    date: date
    source: str  # team_project, communication_case (manual 6.3.4)
    evaluator: str  # "" when not given
    score: Decimal
    max_score: Decimal
    comment: str | None


# Columns ------------------------------------------------------------------------------


def _column(key, en, zh, parse, *, required=False, aliases=(), help, example, empty=None):
    help_en, help_zh = help
    return Column(key, en, zh, required, tuple(aliases), parse, help_en, help_zh, example, empty)


def _text_column(key, en, zh, max_length, *, multiline=False, **kwargs):
    return _column(key, en, zh, v.text(max_length, multiline=multiline), empty="", **kwargs)


_DATE_HELP = ("a date: 2026-10-01 (also 2026/10/1)", "日期：2026-10-01（也可写 2026/10/1）")
_DATETIME_HELP = (
    "a date and time: 2026-10-01 14:30",
    "日期和时间：2026-10-01 14:30",
)
_COUNT_HELP = ("a whole number, 0 or more", "0 或正整数")

EMPLOYEE_NUMBER = _column(
    "employee_number",
    "employee number",
    "工号",
    v.parse_employee_number,
    required=True,
    aliases=(
        "employee no",
        "employee id",
        "staff number",
        "staff no",
        "staff id",
        "emp no",
        "username",
        "员工编号",
        "员工工号",
        "员工号",
        "职工号",
        "人员编号",
        "用户名",
    ),
    help=(
        "the employee number from the HR system: letters, digits, - _ . (at most 32)",
        "人力资源系统中的工号：字母、数字、- _ .（最多 32 个字符）",
    ),
    example="SH0001",
)


def _employee_of(zh_aliases: Sequence[str]) -> Column:
    """The employee-number column, also named as the file's kind names the person."""
    return _column(
        EMPLOYEE_NUMBER.key,
        EMPLOYEE_NUMBER.en,
        EMPLOYEE_NUMBER.zh,
        EMPLOYEE_NUMBER.parse,
        required=True,
        aliases=(*EMPLOYEE_NUMBER.aliases, *zh_aliases),
        help=(EMPLOYEE_NUMBER.help_en, EMPLOYEE_NUMBER.help_zh),
        example=EMPLOYEE_NUMBER.example,
    )


def _choices_help(enumeration: v.Enumeration) -> tuple[str, str]:
    return (
        "one of: " + ", ".join(option.code for option in enumeration.options),
        "填写其一：" + "、".join(option.zh for option in enumeration.options),
    )


ROSTER_COLUMNS = (
    EMPLOYEE_NUMBER,
    _text_column(
        "full_name",
        "full name",
        "姓名",
        v.MAX_NAME,
        required=True,
        aliases=("name", "staff name", "员工姓名", "名字"),
        help=("the person's full name", "员工姓名"),
        example="王喆",
    ),
    _column(
        "org_unit_path",
        "org unit",
        "所属组织",
        v.parse_org_path,
        required=True,
        aliases=(
            "org unit path",
            "org path",
            "organisation",
            "organization",
            "department",
            "unit",
            "branch",
            "station",
            "组织",
            "组织路径",
            "所属部门",
            "部门",
            "所属网点",
            "网点",
            "站点",
            "所属站点",
            "机构",
        ),
        help=(
            "the org unit's path from the top, names separated by /: "
            "华东区/上海浦东站/浦东收派一组",
            "组织路径，自上而下，用 / 分隔：华东区/上海浦东站/浦东收派一组",
        ),
        example="华东区/上海浦东站/浦东收派一组",
    ),
    _column(
        "position",
        "position",
        "岗位",
        v.POSITIONS,
        required=True,
        aliases=("job", "job title", "职位", "岗位名称"),
        help=_choices_help(v.POSITIONS),
        example="courier",
    ),
    _column(
        "hire_date",
        "hire date",
        "入职日期",
        v.parse_date,
        required=True,
        aliases=("hired on", "date hired", "start date", "joined", "入职时间"),
        help=_DATE_HELP,
        example="2024-03-01",
    ),
    _column(
        "status",
        "status",
        "在职状态",
        v.STAFF_STATUSES,
        aliases=("employment status", "状态", "员工状态"),
        help=(
            "active or left; if empty, left when a leaving date is given, else active",
            "在职 或 离职；不填时，有离职日期为离职，否则为在职",
        ),
        example="active",
    ),
    _column(
        "left_on",
        "left on",
        "离职日期",
        v.parse_date,
        aliases=("leaving date", "date left", "left date", "离职时间"),
        help=(
            "the day the person left, for status left; " + _DATE_HELP[0],
            "离职员工的离职日期；" + _DATE_HELP[1],
        ),
        example="",
    ),
    _column(
        "email",
        "email",
        "电子邮箱",
        v.parse_email,
        empty="",
        aliases=("e-mail", "email address", "邮箱", "电子邮件", "邮件地址"),
        help=("an e-mail address", "电子邮箱地址"),
        example="wang.zhe@example.com",
    ),
    _column(
        "phone",
        "phone",
        "手机号",
        v.parse_phone,
        empty="",
        aliases=("mobile", "telephone", "phone number", "电话", "手机", "手机号码", "联系电话"),
        help=("digits, spaces, +, - and brackets", "数字、空格、+、- 和括号"),
        example="138 0013 8000",
    ),
)

SURVEY_COLUMNS = (
    _text_column(
        "reference",
        "reference",
        "调查编号",
        MAX_REFERENCE,
        required=True,
        aliases=("ref", "id", "survey id", "survey no", "编号", "问卷编号", "评价编号"),
        help=(
            "the survey's own number in its system; importing it again updates it",
            "调查在原系统中的编号；再次导入同一编号即更新",
        ),
        example="MY-2026-10-0001",
    ),
    _employee_of(("被调查员工工号", "服务人员工号")),
    _column(
        "date",
        "date",
        "调查日期",
        v.parse_date,
        required=True,
        aliases=("survey date", "日期", "评价日期"),
        help=_DATE_HELP,
        example="2026-10-08",
    ),
    _column(
        "source",
        "source",
        "调查方式",
        v.SURVEY_SOURCES,
        required=True,
        aliases=("method", "survey method", "channel", "调查方法", "来源", "渠道"),
        help=_choices_help(v.SURVEY_SOURCES),
        example="questionnaire",
    ),
    _column(
        "score",
        "score",
        "满意度得分",
        v.parse_score,
        required=True,
        aliases=("satisfaction", "satisfaction score", "得分", "分数", "评分", "满意度"),
        help=(
            "the score on its scale, two decimals at most: 4.5",
            "按评分制给出的得分，最多两位小数：4.5",
        ),
        example="4.5",
    ),
    _column(
        "scale",
        "scale",
        "评分制",
        v.SCALES,
        required=True,
        aliases=("score scale", "分制", "满分制", "量表"),
        help=(
            "1-5, 0-10 or percent (0 to 100)",
            "五分制（1–5）、十分制（0–10）或 百分制（0–100）",
        ),
        example="1-5",
    ),
    _text_column(
        "comment",
        "comment",
        "备注",
        MAX_COMMENT,
        multiline=True,
        aliases=("comments", "note", "notes", "客户意见", "意见", "评价内容", "说明"),
        help=("the customer's words, or a note", "客户意见或说明"),
        example="",
    ),
)

COMPLAINT_COLUMNS = (
    _text_column(
        "reference",
        "reference",
        "投诉编号",
        MAX_REFERENCE,
        required=True,
        aliases=(
            "ref",
            "id",
            "complaint id",
            "complaint no",
            "ticket",
            "编号",
            "投诉单号",
            "工单号",
        ),
        help=(
            "the complaint's own number in its system; importing it again updates it",
            "投诉在原系统中的编号；再次导入同一编号即更新",
        ),
        example="TS-2026-10-0001",
    ),
    _employee_of(("被投诉人工号", "责任人工号")),
    _column(
        "received_at",
        "received at",
        "投诉时间",
        v.parse_datetime,
        required=True,
        aliases=("received", "接收时间", "受理时间", "投诉日期"),
        help=_DATETIME_HELP,
        example="2026-10-09 09:15",
    ),
    _column(
        "category",
        "category",
        "投诉类别",
        v.COMPLAINT_CATEGORIES,
        required=True,
        aliases=("complaint type", "type", "投诉分类", "类别", "分类"),
        help=_choices_help(v.COMPLAINT_CATEGORIES),
        example="service",
    ),
    _column(
        "company_at_fault",
        "company at fault",
        "公司责任",
        v.parse_boolean,
        required=True,
        aliases=("at fault", "substantiated", "是否公司责任", "属于公司责任", "是否属实"),
        help=(
            "yes if the complaint is the company's fault (manual 4.1.3), else no",
            "属于公司责任填 是，否则填 否（手册 4.1.3）",
        ),
        example="yes",
    ),
    _column(
        "first_contact_at",
        "first contact at",
        "首次联系时间",
        v.parse_datetime,
        aliases=(
            "first contact",
            "first reply at",
            "first response at",
            "首次回复时间",
            "联系时间",
        ),
        help=(
            "when the customer was first contacted (manual 4.3.1: within 24 h); "
            + _DATETIME_HELP[0],
            "首次与客户联系的时间（手册 4.3.1：24 小时内）；" + _DATETIME_HELP[1],
        ),
        example="2026-10-09 10:40",
    ),
    _column(
        "resolved_at",
        "resolved at",
        "办结时间",
        v.parse_datetime,
        aliases=("resolved", "closed at", "处理完成时间", "解决时间", "结案时间"),
        help=(
            "when the complaint was resolved; " + _DATETIME_HELP[0],
            "办结时间；" + _DATETIME_HELP[1],
        ),
        example="2026-10-10 16:00",
    ),
    _text_column(
        "outcome",
        "outcome",
        "处理结果",
        MAX_OUTCOME,
        multiline=True,
        aliases=("result", "resolution", "处理措施", "结果"),
        help=("what was done (manual 4.4.1)", "处理措施与结果（手册 4.4.1）"),
        example="",
    ),
    _column(
        "handler",
        "handler",
        "投诉处理人员工号",
        v.parse_employee_number,
        aliases=(
            "handled by",
            "handler employee number",
            "complaint handler",
            "投诉处理人员",
            "处理人员工号",
            "处理人工号",
            "处理人员",
            "处理人",
        ),
        help=(
            "the employee number of who handled the complaint (manual 4.3.1): the 24-hour "
            "reply is theirs; left empty, the reply time is charged to nobody",
            "投诉处理人员的工号（手册 4.3.1）：24 小时内联系客户的时效计入此人；"
            "不填则回复时效不计入任何人",
        ),
        example="SH0002",
    ),
)


def _count_column(key, en, zh, aliases, about_en="", about_zh="", example=""):
    help = (_COUNT_HELP[0] + about_en, _COUNT_HELP[1] + about_zh)
    return _column(key, en, zh, v.parse_count, aliases=aliases, help=help, example=example)


EFFICIENCY_COLUMNS = (
    _employee_of(()),
    _column(
        "period_start",
        "period start",
        "开始日期",
        v.parse_date,
        required=True,
        aliases=("start", "from", "start date", "统计开始日期", "起始日期", "开始"),
        help=("the first day counted; " + _DATE_HELP[0], "统计的第一天；" + _DATE_HELP[1]),
        example="2026-10-01",
    ),
    _column(
        "period_end",
        "period end",
        "结束日期",
        v.parse_date,
        required=True,
        aliases=("end", "to", "end date", "统计结束日期", "截止日期", "结束"),
        help=("the last day counted; " + _DATE_HELP[0], "统计的最后一天；" + _DATE_HELP[1]),
        example="2026-10-31",
    ),
    _count_column(
        "pickups",
        "pickups",
        "揽收数",
        ("pickup count", "收寄数", "揽件数", "揽收量"),
        "; pick-ups booked by customers",
        "；客户预约的上门收寄件数",
        "120",
    ),
    _count_column(
        "pickups_on_time",
        "pickups on time",
        "按时揽收数 (2小时内)",
        ("pickups within 2h", "按时揽收数", "按时收寄数", "2小时内揽收数"),
        "; of the pick-ups, those within 2 h of the booked time (manual 3.1.2)",
        "；其中在预约时间后 2 小时内上门的件数（手册 3.1.2）",
        "114",
    ),
    _count_column(
        "deliveries",
        "deliveries",
        "派送数",
        ("delivery count", "派件数", "派送量"),
        example="480",
    ),
    _count_column(
        "deliveries_on_time",
        "deliveries on time",
        "按时派送数 (24小时内)",
        ("deliveries within 24h", "按时派送数", "24小时内派送数"),
        "; of the deliveries, those within 24 h of arrival (manual 3.1.3)",
        "；其中到达后 24 小时内派送的件数（手册 3.1.3）",
        "472",
    ),
    _count_column(
        "queries",
        "queries",
        "咨询数",
        ("customer queries", "query count", "查询数", "咨询量"),
        "; customer queries answered",
        "；客户查询件数",
    ),
    _count_column(
        "queries_on_time",
        "queries answered in 5 min",
        "5分钟内回复数",
        ("queries on time", "queries within 5 min", "按时回复数", "5分钟内答复数"),
        "; of the queries, those answered within 5 min (manual 3.1.4)",
        "；其中 5 分钟内回复的件数（手册 3.1.4）",
    ),
    _count_column(
        "exceptions",
        "exceptions",
        "异常件数",
        ("exception count", "异常数", "异常件"),
        example="6",
    ),
    _count_column(
        "exceptions_on_time",
        "exceptions contacted in 2 h",
        "2小时内联系数",
        ("exceptions on time", "exceptions within 2h", "按时联系数", "2小时内联系客户数"),
        "; of the exceptions, those where the customer was contacted within 2 h (manual 3.1.5)",
        "；其中 2 小时内联系客户的件数（手册 3.1.5）",
        "5",
    ),
    _count_column(
        "exceptions_solved",
        "exceptions solved in 2 h",
        "2小时内提供解决方案数",
        (
            "exceptions with a solution in 2 h",
            "solutions within 2h",
            "solution offered within 2h",
            "2小时内提供方案数",
            "按时提供解决方案数",
        ),
        "; of the exceptions, those where a solution was offered within 2 h (manual 3.1.5); "
        "leave the column out if not measured",
        "；其中 2 小时内向客户提供解决方案的件数（手册 3.1.5）；未统计则不填",
        "4",
    ),
    _count_column(
        "items_handled",
        "items handled",
        "处理件数",
        ("items", "处理量", "作业件数"),
        "; everything handled, for accuracy",
        "；经手的全部件数，用于计算准确率",
        "600",
    ),
    _count_column(
        "errors",
        "errors",
        "差错数",
        ("error count", "mistakes", "差错件数", "错误数", "失误数"),
        "; of the items handled, those with an error",
        "；其中出错的件数",
        "2",
    ),
)

TEAMWORK_COLUMNS = (
    _employee_of(("被评价人工号",)),
    _column(
        "date",
        "date",
        "评价日期",
        v.parse_date,
        required=True,
        aliases=("evaluation date", "日期"),
        help=_DATE_HELP,
        example="2026-10-20",
    ),
    _column(
        "source",
        "source",
        "评价来源",
        v.TEAMWORK_SOURCES,
        required=True,
        aliases=("type", "来源", "类型", "评价类型"),
        help=_choices_help(v.TEAMWORK_SOURCES),
        example="team_project",
    ),
    _text_column(
        "evaluator",
        "evaluator",
        "评价人",
        v.MAX_NAME,
        aliases=("assessor", "评分人", "考核人"),
        help=("who gave the score", "评分人姓名"),
        example="林海峰",
    ),
    _column(
        "score",
        "score",
        "得分",
        v.parse_score,
        required=True,
        aliases=("分数", "评分"),
        help=("the score, two decimals at most", "得分，最多两位小数"),
        example="17.5",
    ),
    _column(
        "max_score",
        "max score",
        "满分",
        v.parse_score,
        required=True,
        aliases=("maximum", "out of", "full marks", "总分", "最高分"),
        help=("the rubric's maximum, more than 0", "评分标准的满分，大于 0"),
        example="20",
    ),
    _text_column(
        "comment",
        "comment",
        "评语",
        MAX_COMMENT,
        multiline=True,
        aliases=("comments", "note", "notes", "备注", "意见"),
        help=("the evaluator's remarks", "评价人的评语"),
        example="",
    ),
)

# Checks across the cells of a row -----------------------------------------------------
# Each takes the row's values (a value, None for empty, or INVALID where a cell
# already has a problem) and the columns' headers, may fill in defaults, and returns
# the problems as (key, code, params); the key's cell gives the line's column and value.

INVALID = object()
Found = list[tuple[str, str, dict]]


def _check_roster(values: dict, names: dict) -> Found:
    found: Found = []
    left_on, status = values["left_on"], values["status"]
    if status is None:
        values["status"] = status = "left" if type(left_on) is date else "active"
    if type(left_on) is date:
        if status == "active":
            found.append(("left_on", "left_on_but_active", {}))
        hire_date = values["hire_date"]
        if type(hire_date) is date and left_on < hire_date:
            found.append(("left_on", "left_before_hired", {"hire_date": str(hire_date)}))
    return found


def _check_survey(values: dict, names: dict) -> Found:
    score, scale = values["score"], values["scale"]
    if type(score) is Decimal and scale in v.SCALE_BOUNDS:
        low, high = v.SCALE_BOUNDS[scale]
        if not low <= score <= high:
            return [("score", "score_out_of_scale", {"low": str(low), "high": str(high)})]
    return []


def _when(moment: datetime) -> str:
    return moment.isoformat(sep=" ", timespec="seconds" if moment.second else "minutes")


def _check_complaint(values: dict, names: dict) -> Found:
    found: Found = []
    received = values["received_at"]
    if type(received) is datetime:
        for key in ("first_contact_at", "resolved_at"):
            moment = values[key]
            if type(moment) is datetime and moment < received:
                found.append((key, "before_received", {"received": _when(received)}))
    return found


_ON_TIME = (
    ("pickups_on_time", "pickups"),
    ("deliveries_on_time", "deliveries"),
    ("queries_on_time", "queries"),
    ("exceptions_on_time", "exceptions"),
    ("exceptions_solved", "exceptions"),
)


def _check_efficiency(values: dict, names: dict) -> Found:
    found: Found = []
    start, end = values["period_start"], values["period_end"]
    if type(start) is date and type(end) is date and end < start:
        found.append(("period_end", "period_end_before_start", {"start": str(start)}))
    measured = False
    for part_key, total_key in _ON_TIME:
        part, total = values[part_key], values[total_key]
        if total is not None:
            measured = True
        if part is None:
            continue
        measured = True
        if total is None:
            found.append((part_key, "on_time_without_total", {"total_column": names[total_key]}))
        elif type(part) is int and type(total) is int and part > total:
            params = {"total": total, "total_column": names[total_key]}
            found.append((part_key, "on_time_exceeds_total", params))
    # A solution offered within 2 hours means the customer was contacted within them.
    solved, contacted = values["exceptions_solved"], values["exceptions_on_time"]
    if type(solved) is int and type(contacted) is int and solved > contacted:
        params = {"total": contacted, "total_column": names["exceptions_on_time"]}
        found.append(("exceptions_solved", "solved_exceeds_contacted", params))
    errors, items = values["errors"], values["items_handled"]
    if items is not None:
        measured = True
    if errors is not None:
        measured = True
        if items is None:
            params = {"total_column": names["items_handled"]}
            found.append(("errors", "errors_without_items", params))
        elif type(errors) is int and type(items) is int and errors > items:
            params = {"total": items, "total_column": names["items_handled"]}
            found.append(("errors", "errors_exceed_items", params))
    if not measured:
        found.append(("", "no_measures", {}))
    return found


def _check_teamwork(values: dict, names: dict) -> Found:
    score, max_score = values["score"], values["max_score"]
    if type(max_score) is Decimal:
        if max_score <= 0:
            return [("max_score", "max_score_not_positive", {})]
        if type(score) is Decimal and score > max_score:
            params = {"max_score": str(max_score), "max_column": names["max_score"]}
            return [("score", "score_above_max", params)]
    return []


_CHECKS: dict[str, Callable[[dict, dict], Found]] = {
    "roster": _check_roster,
    "surveys": _check_survey,
    "complaints": _check_complaint,
    "efficiency": _check_efficiency,
    "teamwork": _check_teamwork,
}

KINDS = {
    kind.name: kind
    for kind in (
        Kind("roster", _("Staff roster"), ROSTER_COLUMNS, ("employee_number",), RosterRecord),
        Kind(
            "surveys",
            _("Customer-satisfaction surveys"),
            SURVEY_COLUMNS,
            ("reference",),
            SurveyRecord,
        ),
        Kind("complaints", _("Complaints"), COMPLAINT_COLUMNS, ("reference",), ComplaintRecord),
        Kind(
            "efficiency",
            _("Efficiency metrics"),
            EFFICIENCY_COLUMNS,
            ("employee_number", "period_start", "period_end"),
            EfficiencyRecord,
        ),
        Kind(
            "teamwork",
            _("Teamwork evaluations"),
            TEAMWORK_COLUMNS,
            ("employee_number", "date", "source", "evaluator"),
            TeamworkRecord,
        ),
    )
}


# Headers ------------------------------------------------------------------------------

_MARKER = re.compile(
    r"\s*(?:[(\[【]\s*(?:optional|选填|可选|非必填|required|必填)\s*[)\]】]|\*)\s*$"
)
_HEADER_JUNK = re.compile(r"[\s_\-.:/()\[\]【】\"'“”‘’「」『』*]+")


def normalize_header(header: str) -> str:
    """A header as it is matched: "按时派送数 (24小时内)（选填）" is "按时派送数24小时内"."""
    name = unicodedata.normalize("NFKC", header).casefold().strip()
    name = _MARKER.sub("", _MARKER.sub("", name)).lstrip("*")
    return _HEADER_JUNK.sub("", name)


def _names(kind: Kind) -> dict[str, str]:
    """Every header a kind's columns may have, normalised, to the column's key."""
    names: dict[str, str] = {}
    for column in kind.columns:
        for name in (column.key, column.en, column.zh, *column.aliases):
            names.setdefault(normalize_header(name), column.key)
    return names


def _columns_found(kind: Kind, headers: Sequence[str]):
    names = _names(kind)
    found: dict[str, tuple[int, str]] = {}
    twice: list[tuple[str, str]] = []
    for index, header in enumerate(headers):
        key = names.get(normalize_header(header)) if header else None
        if key is None:
            continue
        if key in found:
            twice.append((header, found[key][1]))
        else:
            found[key] = (index, header)
    return found, twice


def header_problems(kind: Kind, headers: Sequence[str], line: int = 1) -> list[Problem]:
    """What is wrong with a header: required columns missing, columns named twice."""
    found, twice = _columns_found(kind, headers)
    problems = [
        Problem(line, header, "", "duplicate_column", {"other": other}) for header, other in twice
    ]
    for column in kind.columns:
        if column.required and column.key not in found:
            params = {"zh": column.zh, "en": column.en}
            problems.append(Problem(line, "", "", "missing_column", params))
    return problems


def unknown_columns(kind: Kind, headers: Sequence[str]) -> list[str]:
    """The headers that name none of the kind's columns (read ignores them)."""
    names = _names(kind)
    return [header for header in headers if header and normalize_header(header) not in names]


# Rows ---------------------------------------------------------------------------------


def read(kind: Kind, table: Table) -> Iterator[Checked]:
    """A `Checked` for every row of the table, streamed.

    Raises `ImportFileError` at once if the header is wrong, and while iterating if the
    file turns out unreadable further on.
    """
    problems = header_problems(kind, table.headers, table.header_line)
    if problems:
        raise ImportFileError(problems)
    return _read(kind, table)


def _read(kind: Kind, table: Table) -> Iterator[Checked]:
    found, _twice = _columns_found(kind, table.headers)
    plan = [(found[c.key][0], found[c.key][1], c) for c in kind.columns if c.key in found]
    names = {"": ""}
    absent: dict[str, Any] = {}
    for column in kind.columns:
        if column.key in found:
            names[column.key] = found[column.key][1]
        else:
            names[column.key] = f"{column.zh} ({column.en})"
            absent[column.key] = column.empty if column.key in kind.key else None
    keys = [column.key for _index, _header, column in plan]
    parsers = [column.parse for _index, _header, column in plan]
    empties = [column.empty for _index, _header, column in plan]
    take = _getter([index for index, _header, _column in plan])
    take_required = _getter([n for n, (_i, _h, column) in enumerate(plan) if column.required])
    width = max(index for index, _header, _column in plan) + 1
    indexes = {key: index for key, (index, _header) in found.items()}
    check = _CHECKS[kind.name]
    record = _constructor(kind.record)

    for line, cells in table.rows():
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        texts = [text.strip() for text in take(cells)]
        # The fast path: every cell reads and every required one is filled in.
        try:
            parsed = [
                parse(text) if text else empty
                for parse, text, empty in zip(parsers, texts, empties, strict=True)
            ]
        except v.BadValue:
            parsed = None
        if parsed is not None and all(take_required(texts)):
            values = dict(zip(keys, parsed, strict=True))
            problems = []
        else:
            values, problems = _read_cells(line, texts, plan)
        if absent:
            values.update(absent)
        for key, code, params in check(values, names):
            index = indexes.get(key)
            text = cells[index].strip() if index is not None else ""
            problems.append(Problem(line, names[key], text, code, params))
        if problems:
            yield Checked(line, None, tuple(problems))
        else:
            yield Checked(line, record(values), ())


def _constructor(record: type) -> Callable[[dict], object]:
    """How a row's values become its record. A frozen dataclass's __init__ sets each
    field through object.__setattr__, 3 µs for a metrics row (a fifth of its budget);
    a plain frozen dataclass (no slots, no __post_init__) takes the values as its
    __dict__ (the dict is the row's own, used for nothing else)."""
    if (
        dataclasses.is_dataclass(record)
        and not hasattr(record, "__post_init__")
        and "__slots__" not in vars(record)
    ):
        new, set_attribute = object.__new__, object.__setattr__

        def build(values: dict) -> object:
            made = new(record)
            set_attribute(made, "__dict__", values)
            return made

        return build
    return lambda values: record(**values)


def _getter(indexes: list[int]) -> Callable[[Sequence], tuple]:
    """A function taking these items from a sequence, always as a tuple."""
    if len(indexes) == 1:
        index = indexes[0]
        return lambda items: (items[index],)
    if not indexes:
        return lambda items: ()
    return operator.itemgetter(*indexes)


def _read_cells(line: int, texts: list[str], plan) -> tuple[dict, list[Problem]]:
    """The slow path: each cell on its own, so that every problem of the row is found."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for text, (_index, header, column) in zip(texts, plan, strict=True):
        if text:
            try:
                values[column.key] = column.parse(text)
            except v.BadValue as error:
                problems.append(Problem(line, header, text, error.code, error.params))
                values[column.key] = INVALID
        elif column.required:
            problems.append(Problem(line, header, "", "required", {}))
            values[column.key] = INVALID
        else:
            values[column.key] = column.empty
    return values, problems
