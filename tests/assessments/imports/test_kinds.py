# ruff: noqa: RUF001 (full-width characters, on purpose)
"""The five kinds of file: their headers in either language, their records, and the
problem each kind of mistake gives, with its line, column and value."""

import dataclasses
import io
from datetime import date, datetime
from decimal import Decimal as D

import pytest

from assessments.imports.kinds import (
    KINDS,
    ComplaintRecord,
    EfficiencyRecord,
    RosterRecord,
    SurveyRecord,
    TeamworkRecord,
    header_problems,
    normalize_header,
    read,
    unknown_columns,
)
from assessments.imports.problems import ImportFileError
from assessments.imports.readers import open_table

pytestmark = pytest.mark.usefixtures("english")


def checked(kind: str, *lines: str):
    data = "\r\n".join(lines).encode("utf-8")
    return list(read(KINDS[kind], open_table("data.csv", io.BytesIO(data))))


def records(kind: str, *lines: str) -> list:
    rows = checked(kind, *lines)
    assert [row.problems for row in rows] == [()] * len(rows)
    return [row.record for row in rows]


def problems(kind: str, *lines: str) -> list[tuple[int, str, str, str]]:
    return [
        (p.line, p.column, p.value, p.code) for row in checked(kind, *lines) for p in row.problems
    ]


def header_error(kind: str, *lines: str) -> list[tuple[int, str, str, dict]]:
    with pytest.raises(ImportFileError) as caught:
        checked(kind, *lines)
    return [(p.line, p.column, p.code, p.params) for p in caught.value.problems]


EFFICIENCY_ZH = (
    "工号,开始日期,结束日期,揽收数,按时揽收数 (2小时内),派送数,按时派送数 (24小时内),"
    "咨询数,5分钟内回复数,异常件数,2小时内联系数,处理件数,差错数"
)
EFFICIENCY_EN = (
    "employee number,period start,period end,pickups,pickups on time,deliveries,"
    "deliveries on time,queries,queries answered in 5 min,exceptions,"
    "exceptions contacted in 2 h,items handled,errors"
)
COURIER = EfficiencyRecord(
    employee_number="E1001",
    period_start=date(2026, 10, 1),
    period_end=date(2026, 10, 31),
    pickups=120,
    pickups_on_time=114,
    deliveries=480,
    deliveries_on_time=472,
    queries=None,
    queries_on_time=None,
    exceptions=6,
    exceptions_on_time=5,
    exceptions_solved=None,
    items_handled=600,
    errors=2,
)
COURIER_ROW = "E1001,2026-10-01,2026-10-31,120,114,480,472,,,6,5,600,2"


# The kinds themselves -----------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
def test_columns_are_the_record_fields(kind):
    fields = [field.name for field in dataclasses.fields(kind.record)]
    assert [column.key for column in kind.columns] == fields
    assert set(kind.key) <= set(fields)
    assert all(column.required for column in kind.columns if column.key in kind.key) or (
        kind.name == "teamwork"
    )


@pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
def test_no_header_names_two_columns(kind):
    owners: dict[str, str] = {}
    for column in kind.columns:
        for name in {column.key, column.en, column.zh, *column.aliases}:
            owner = owners.setdefault(normalize_header(name), column.key)
            assert owner == column.key, f"{name!r} names {owner} and {column.key}"


def test_kinds_have_translatable_labels():
    assert str(KINDS["efficiency"].label) == "Efficiency metrics"
    assert list(KINDS) == ["roster", "surveys", "complaints", "efficiency", "teamwork"]


# Headers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        EFFICIENCY_ZH,
        EFFICIENCY_EN,
        EFFICIENCY_EN.replace(" ", "_").upper(),
        # Mixed languages, other names, template markers, full width, spaces.
        "Employee No,开始日期,period_end,收寄数（选填）,按时揽收数,派件数 (optional),"
        "按时派送数,查询数,5分钟内回复数,异常件数*,exceptions on time,处理件数【选填】,"
        "ＥＲＲＯＲＳ",
        "*工号 ,* 开始日期,*结束日期,揽收数,按时揽收数（2小时内）（选填）,派送数,"
        "按时派送数(24小时内),咨询数,5 分钟内回复数,异常件数,2小时内联系数,处理件数,差错数",
    ],
)
def test_headers_in_english_chinese_or_both(header):
    assert records("efficiency", header, COURIER_ROW) == [COURIER]


def test_columns_in_any_order_and_unknown_ones_ignored():
    header = "备注,差错数,处理件数,结束日期,开始日期,工号,派送数,按时派送数"
    rows = records("efficiency", header, "随便写,2,600,2026-10-31,2026-10-01,E1001,480,472")
    assert rows[0].deliveries_on_time == 472 and rows[0].errors == 2
    assert rows[0].pickups is None
    assert unknown_columns(KINDS["efficiency"], header.split(",")) == ["备注"]


def test_missing_required_columns_are_all_named():
    assert header_error("efficiency", "揽收数,工号", "1,E1") == [
        (1, "", "missing_column", {"zh": "开始日期", "en": "period start"}),
        (1, "", "missing_column", {"zh": "结束日期", "en": "period end"}),
    ]


def test_a_column_named_twice():
    header = "工号,employee number,开始日期,结束日期,揽收数"
    assert header_error("efficiency", header, "E1,E1,2026-10-01,2026-10-31,1") == [
        (1, "employee number", "duplicate_column", {"other": "工号"})
    ]


def test_the_header_is_checked_before_any_row_is_read():
    table = open_table("data.csv", io.BytesIO("工号\r\n".encode()))
    with pytest.raises(ImportFileError):
        read(KINDS["efficiency"], table)  # not lazily, at the first row


def test_header_problems_on_the_header_line():
    problems_found = header_problems(KINDS["teamwork"], ["工号", "", "得分"], line=4)
    assert {p.line for p in problems_found} == {4}
    assert [p.params["zh"] for p in problems_found] == ["评价日期", "评价来源", "满分"]


def test_a_short_row_has_empty_cells():
    assert problems("efficiency", EFFICIENCY_ZH, "E1001,2026-10-01") == [
        (2, "结束日期", "", "required"),
        (2, "", "", "no_measures"),
    ]


# Efficiency ---------------------------------------------------------------------------


def test_efficiency_mistakes_each_with_line_column_and_value():
    found = problems(
        "efficiency",
        EFFICIENCY_ZH,
        COURIER_ROW,
        "E1002,2026-10-01,2026-10-31,120,130,480,472,,,6,5,600,2",
        "E1003,2026-10-01,2026-10-31,,114,,,,,,,,",
        'E1004,2026-10-31,2026-10-01,-1,,"1,234",12.5,,,,,10,11',
        "E1005,2026-02-30,2026-10-31,,,,,,,,,,",
        ",2026-10-01,2026-10-31,1,,,,,,,,,",
        "E1006,2026-10-01,2026-10-31,,,,,,,,,,5",
    )
    assert found == [
        (3, "按时揽收数 (2小时内)", "130", "on_time_exceeds_total"),
        (4, "按时揽收数 (2小时内)", "114", "on_time_without_total"),
        (5, "揽收数", "-1", "negative_count"),
        (5, "派送数", "1,234", "thousands_separator"),
        (5, "按时派送数 (24小时内)", "12.5", "bad_integer"),
        (5, "结束日期", "2026-10-01", "period_end_before_start"),
        (5, "差错数", "11", "errors_exceed_items"),
        (6, "开始日期", "2026-02-30", "bad_date"),
        (6, "", "", "no_measures"),
        (7, "工号", "", "required"),
        (8, "差错数", "5", "errors_without_items"),
    ]


def test_the_on_time_message_names_both_columns_and_numbers():
    [row] = checked("efficiency", EFFICIENCY_ZH, "E1002,2026-10-01,2026-10-31,,,120,130,,,,,,")
    [problem] = row.problems
    assert row.record is None
    assert problem.params == {"total": 120, "total_column": "派送数"}
    assert problem.message == (
        "Line 2, column “按时派送数 (24小时内)”: 130 on time is more than the total, "
        "120 in “派送数”."
    )


def test_an_on_time_count_whose_total_column_is_missing():
    [row] = checked(
        "efficiency", "工号,开始日期,结束日期,按时派送数", "E1,2026-10-01,2026-10-31,5"
    )
    [problem] = row.problems
    assert problem.code == "on_time_without_total"
    assert problem.params == {"total_column": "派送数 (deliveries)"}


def test_zero_is_measured_empty_is_not():
    [record] = records("efficiency", EFFICIENCY_EN, "E1,2026-10-01,2026-10-31,0,0,,,,,,,,")
    assert (record.pickups, record.pickups_on_time, record.deliveries) == (0, 0, None)


# Roster -------------------------------------------------------------------------------

ROSTER_ZH = "工号,姓名,所属组织,岗位,入职日期,在职状态,离职日期,电子邮箱,手机号"


def test_roster_records():
    assert records(
        "roster",
        ROSTER_ZH,
        "E1001,王喆,华东区 / 上海浦东站 / 浦东收派一组,快递员,2024-03-01,在职,,"
        "wang.zhe@example.com,138 0013 8000",
        "E1005,王芳,华东区／上海浦东站,Customer-service agent,2023/7/15,离职,2026年9月30日,,",
        "E1006,刘䶮,华东区>上海浦东站,station_staff,2023-07-15,,2026-09-30,,",
        "E1007,张伟,华东区,courier,2023-07-15,left,,,",
    ) == [
        RosterRecord(
            "E1001",
            "王喆",
            ("华东区", "上海浦东站", "浦东收派一组"),
            "courier",
            date(2024, 3, 1),
            "active",
            None,
            "wang.zhe@example.com",
            "138 0013 8000",
        ),
        RosterRecord(
            "E1005",
            "王芳",
            ("华东区", "上海浦东站"),
            "customer_service",
            date(2023, 7, 15),
            "left",
            date(2026, 9, 30),
            "",
            "",
        ),
        # No status given: a leaving date says "left".
        RosterRecord(
            "E1006",
            "刘䶮",
            ("华东区", "上海浦东站"),
            "station_staff",
            date(2023, 7, 15),
            "left",
            date(2026, 9, 30),
            "",
            "",
        ),
        # Left, no date: the service uses the day of the import.
        RosterRecord(
            "E1007", "张伟", ("华东区",), "courier", date(2023, 7, 15), "left", None, "", ""
        ),
    ]


def test_roster_without_optional_columns_leaves_them_alone():
    [record] = records(
        "roster", "工号,姓名,所属组织,岗位,入职日期", "E1,王喆,华东区,快递员,2024-03-01"
    )
    assert (record.status, record.left_on, record.email, record.phone) == (
        "active",
        None,
        None,
        None,
    )


def test_roster_mistakes():
    assert problems(
        "roster",
        ROSTER_ZH,
        "E1,王喆,华东区,快递员,2024-03-01,在职,2026-09-30,wang@,13800138000",
        "E 2,王芳,华东区,快递小哥哥,2024-03-01,离职,2023-01-01,,电话",
        "E3," + "名" * 101 + ",/,courier,2024-03-01,,,,",
    ) == [
        (2, "电子邮箱", "wang@", "bad_email"),
        (2, "离职日期", "2026-09-30", "left_on_but_active"),
        (3, "工号", "E 2", "bad_employee_number"),
        (3, "岗位", "快递小哥哥", "bad_choice"),
        (3, "手机号", "电话", "bad_phone"),
        (3, "离职日期", "2023-01-01", "left_before_hired"),
        (4, "姓名", "名" * 99 + "…", "too_long"),
        (4, "所属组织", "/", "bad_org_path"),
    ]


# Surveys ------------------------------------------------------------------------------

SURVEYS_ZH = "调查编号,工号,调查日期,调查方式,满意度得分,评分制,备注"


def test_survey_records():
    assert records(
        "surveys",
        SURVEYS_ZH,
        'MY-1,E1001,2026-10-08,问卷调查,4.5,五分制,"派送准时，\n态度很好"',
        "MY-2,E1005,2026-10-09,电话回访,92%,百分制,",
        "MY-3,E1005,2026-10-09,online,0,0-10,",
    ) == [
        SurveyRecord(
            "MY-1",
            "E1001",
            date(2026, 10, 8),
            "questionnaire",
            D("4.5"),
            "1-5",
            "派送准时，\n态度很好",
        ),
        SurveyRecord("MY-2", "E1005", date(2026, 10, 9), "phone", D(92), "percent", ""),
        SurveyRecord("MY-3", "E1005", date(2026, 10, 9), "online", D(0), "0-10", ""),
    ]


def test_survey_scores_within_their_scale():
    assert problems(
        "surveys",
        SURVEYS_ZH,
        "A,E1,2026-10-08,问卷调查,0,1-5,",
        "B,E1,2026-10-08,问卷调查,5.01,1-5,",
        "C,E1,2026-10-08,问卷调查,11,10,",
        "D,E1,2026-10-08,问卷调查,100.5,%,",
        "E,E1,2026-10-08,问卷调查,4.555,1-5,",
        "F,E1,2026-10-08,问卷调查,4,七分制,",
        "G,E1,2026-10-08,email,4,1-5,",
    ) == [
        (2, "满意度得分", "0", "score_out_of_scale"),
        (3, "满意度得分", "5.01", "score_out_of_scale"),
        (4, "满意度得分", "11", "score_out_of_scale"),
        (5, "满意度得分", "100.5", "score_out_of_scale"),
        (6, "满意度得分", "4.555", "too_many_decimals"),
        (7, "评分制", "七分制", "bad_choice"),
        (8, "调查方式", "email", "bad_choice"),
    ]


def test_the_scale_message_gives_the_bounds():
    [row] = checked("surveys", SURVEYS_ZH, "B,E1,2026-10-08,问卷调查,6,1-5,")
    assert row.problems[0].message == (
        "Line 2, column “满意度得分”: the score 6 is outside its scale, 1 to 5."
    )


# Complaints ---------------------------------------------------------------------------

COMPLAINTS_ZH = "投诉编号,工号,投诉时间,投诉类别,公司责任,首次联系时间,办结时间,处理结果"


def test_complaint_records():
    assert records(
        "complaints",
        COMPLAINTS_ZH,
        "TS-1,E1001,2026-10-09 09:15,服务类,是,2026-10-09 10:40,2026-10-10 16:00,已致歉",
        "TS-2,E1005,2026/10/12 14:02,信息类,否,,,",
    ) == [
        ComplaintRecord(
            "TS-1",
            "E1001",
            datetime(2026, 10, 9, 9, 15),
            "service",
            True,
            datetime(2026, 10, 9, 10, 40),
            datetime(2026, 10, 10, 16),
            "已致歉",
            None,
        ),
        ComplaintRecord(
            "TS-2",
            "E1005",
            datetime(2026, 10, 12, 14, 2),
            "information",
            False,
            None,
            None,
            "",
            None,
        ),
    ]


def test_complaints_name_their_handler_in_either_language():
    """Manual 4.3.1: the handler (投诉处理人员) answers within 24 hours; an empty cell is
    nobody recorded."""
    for header in ("投诉处理人员工号", "投诉处理人员", "handler", "Handled by"):
        [first, second] = records(
            "complaints",
            COMPLAINTS_ZH + "," + header,
            "TS-1,E1001,2026-10-09 09:15,服务类,是,2026-10-09 10:40,,,E1005",
            "TS-2,E1001,2026-10-09 09:15,服务类,是,,,,",
        )
        assert first.handler == "E1005" and second.handler is None
    assert problems(
        "complaints",
        COMPLAINTS_ZH + ",投诉处理人员工号",
        "TS-1,E1001,2026-10-09 09:15,服务类,是,,,,E 1005",
    ) == [(2, "投诉处理人员工号", "E 1005", "bad_employee_number")]


def test_exceptions_have_both_halves_and_a_solution_means_a_contact():
    header = "工号,开始日期,结束日期,异常件数,2小时内联系数,2小时内提供解决方案数"
    [record] = records("efficiency", header, "E1,2026-10-01,2026-10-31,20,19,12")
    assert (record.exceptions, record.exceptions_on_time, record.exceptions_solved) == (20, 19, 12)
    assert problems("efficiency", header, "E1,2026-10-01,2026-10-31,20,10,12") == [
        (2, "2小时内提供解决方案数", "12", "solved_exceeds_contacted")
    ]


def test_complaint_mistakes():
    assert problems(
        "complaints",
        COMPLAINTS_ZH,
        "TS-1,E1,2026-10-09 09:15,服务类,是,2026-10-09 09:00,2026-10-08 16:00,",
        "TS-2,E1,2026-10-09 25:00,财务类,也许,,,",
        "," + ",".join([""] * 7),
    ) == [
        (2, "首次联系时间", "2026-10-09 09:00", "before_received"),
        (2, "办结时间", "2026-10-08 16:00", "before_received"),
        (3, "投诉时间", "2026-10-09 25:00", "bad_datetime"),
        (3, "投诉类别", "财务类", "bad_choice"),
        (3, "公司责任", "也许", "bad_boolean"),
    ]


def test_a_row_of_empty_cells_is_blank():
    assert checked("complaints", COMPLAINTS_ZH, ",,,,,,,") == []
    assert checked("complaints", COMPLAINTS_ZH + ",投诉处理人员工号", ",,,,,,,,") == []


def test_before_received_says_when_it_was_received():
    [row] = checked(
        "complaints", COMPLAINTS_ZH, "TS-1,E1,2026-10-09 09:15,服务类,是,2026-10-09 09:00,,"
    )
    assert row.problems[0].params == {"received": "2026-10-09 09:15"}


# Teamwork -----------------------------------------------------------------------------

TEAMWORK_ZH = "工号,评价日期,评价来源,评价人,得分,满分,评语"


def test_teamwork_records():
    assert records(
        "teamwork",
        TEAMWORK_ZH,
        "E1001,2026-10-20,团队项目,林海峰,17.5,20,协调得力",
        "E1005,2026-10-22,communication_case,,8,10,",
    ) == [
        TeamworkRecord(
            "E1001", date(2026, 10, 20), "team_project", "林海峰", D("17.5"), D(20), "协调得力"
        ),
        TeamworkRecord("E1005", date(2026, 10, 22), "communication_case", "", D(8), D(10), ""),
    ]


def test_teamwork_without_an_evaluator_column_keys_on_the_empty_name():
    [record] = records(
        "teamwork", "工号,评价日期,评价来源,得分,满分", "E1,2026-10-20,团队项目,8,10"
    )
    assert (record.evaluator, record.comment) == ("", None)


def test_teamwork_mistakes():
    assert problems(
        "teamwork",
        TEAMWORK_ZH,
        "E1,2026-10-20,团队项目,林海峰,21,20,",
        "E1,2026-10-20,团队项目,林海峰,0,0,",
        "E1,2026-10-20,演练,林海峰,-1,10,",
    ) == [
        (2, "得分", "21", "score_above_max"),
        (3, "满分", "0", "max_score_not_positive"),
        (4, "评价来源", "演练", "bad_choice"),
        (4, "得分", "-1", "negative_score"),
    ]


# XLSX ---------------------------------------------------------------------------------


def test_an_xlsx_file_with_real_dates_and_numbers():
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        ["工号", "period start", "结束日期", "派送数", "按时派送数", "差错数", "处理件数"]
    )
    sheet.append(["E1001", date(2026, 10, 1), datetime(2026, 10, 31), 480, 472.0, 2, 600])
    sheet.append([])
    sheet.append(["E1002", date(2026, 10, 1), date(2026, 10, 31), 480, 481, None, None])
    out = io.BytesIO()
    workbook.save(out)
    rows = list(read(KINDS["efficiency"], open_table("data.xlsx", io.BytesIO(out.getvalue()))))
    assert rows[0].record.deliveries_on_time == 472
    assert rows[0].record.period_end == date(2026, 10, 31)
    assert [(p.line, p.column, p.value, p.code) for p in rows[1].problems] == [
        (4, "按时派送数", "481", "on_time_exceeds_total")
    ]
