# ruff: noqa: RUF001 (full-width characters, on purpose)
"""Reading one cell: each way people and Excel write dates, numbers, yes/no and choices,
and the problem code for each way they get it wrong."""

from datetime import date, datetime
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.imports import values as v
from assessments.imports.values import BadValue


def code_of(parse, text: str) -> str:
    with pytest.raises(BadValue) as caught:
        parse(text)
    return caught.value.code


# Dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2026-10-01",
        "2026/10/1",
        "2026/10/01",
        "2026.10.1",
        "2026-10-1",
        "2026年10月1日",
        "2026 年 10 月 1 日",
        "2026年10月1号",
        "2026年10月1",
        "20261001",
        "２０２６－１０－０１",
        "2026-10-01 00:00",
        "2026/10/1 0:00:00",
    ],
)
def test_dates_as_people_write_them(text):
    assert v.parse_date(text) == date(2026, 10, 1)


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30",  # no such day
        "2026-13-01",
        "2026-00-10",
        "2026/10-01",  # two separators
        "01/10/2026",  # day first: ambiguous, refused
        "10/1/2026",
        "2026-10",
        "45931",  # an Excel serial number
        "0202-10-01",  # a typo for 2020
        "2026-10-01 14:30",  # a time in a date column
        "2026-10-01T00:00+08:00",
        "tomorrow",
        "2026-W40-4",
    ],
)
def test_impossible_or_unreadable_dates(text):
    assert code_of(v.parse_date, text) == "bad_date"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-01 14:30", datetime(2026, 10, 1, 14, 30)),
        ("2026-10-01 14:30:05", datetime(2026, 10, 1, 14, 30, 5)),
        ("2026-10-01T14:30:05", datetime(2026, 10, 1, 14, 30, 5)),
        ("2026/10/1 9:05", datetime(2026, 10, 1, 9, 5)),
        ("2026年10月1日 14:30", datetime(2026, 10, 1, 14, 30)),
        ("2026年10月1日14:30", datetime(2026, 10, 1, 14, 30)),
        ("2026-10-01 14：30", datetime(2026, 10, 1, 14, 30)),
        ("2026-10-01 14:30:05.250000", datetime(2026, 10, 1, 14, 30, 5, 250000)),
        ("2026-10-01", datetime(2026, 10, 1)),  # a date alone: midnight
        ("20261001 08:00", datetime(2026, 10, 1, 8)),
    ],
)
def test_datetimes(text, expected):
    parsed = v.parse_datetime(text)
    assert parsed == expected
    assert parsed.tzinfo is None  # local time: the service applies the time zone


@pytest.mark.parametrize(
    "text",
    [
        "2026-10-01 24:00",
        "2026-10-01 14:60",
        "2026-02-30 10:00",
        "2026-10-01 14",
        "2026-10-01 2:30 PM",
        "2026-10-01T14:30:00+08:00",  # an offset: the file must say local time
        "2026-10-01T14:30:00Z",
    ],
)
def test_bad_datetimes(text):
    assert code_of(v.parse_datetime, text) == "bad_datetime"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_dates_round_trip_in_every_form(day):
    for text in (
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month:02d}.{day.day:02d}",
        f"{day.year}年{day.month}月{day.day}日",
        day.strftime("%Y%m%d"),
    ):
        assert v.parse_date(text) == day


@given(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2999, 12, 31)).map(
        lambda moment: moment.replace(microsecond=0)
    )
)
def test_datetimes_round_trip(moment):
    assert v.parse_datetime(moment.isoformat(sep=" ")) == moment
    assert v.parse_datetime(moment.isoformat()) == moment


# Numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12), ("0", 0), ("12.0", 12), ("12.", 12), ("+12", 12), ("１２", 12), ("007", 7)],
)
def test_counts(text, expected):
    assert v.parse_count(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("-3", "negative_count"),
        ("－3", "negative_count"),
        ("\u22123", "negative_count"),  # the minus sign
        ("1,234", "thousands_separator"),
        ("1，234", "thousands_separator"),
        ("12,345,678", "thousands_separator"),
        ("1 234", "thousands_separator"),
        ("12.5", "bad_integer"),
        ("1e3", "bad_integer"),
        ("twelve", "bad_integer"),
        ("1_000", "bad_integer"),
        ("99999999999", "number_too_large"),
        ("2147483648", "number_too_large"),
    ],
)
def test_bad_counts(text, code):
    assert code_of(v.parse_count, text) == code


def test_the_separator_message_gets_the_plain_number():
    with pytest.raises(BadValue) as caught:
        v.parse_count("1,234")
    assert caught.value.params == {"number": "1234"}


def test_integers_may_be_negative():
    assert v.parse_integer("-12") == -12


@given(st.integers(min_value=0, max_value=v.MAX_COUNT))
def test_counts_round_trip(number):
    assert v.parse_count(str(number)) == number
    assert v.parse_count(f"{number}.0") == number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4.5", D("4.5")),
        ("4.50", D("4.5")),
        ("4.500", D("4.5")),
        (".5", D("0.5")),
        ("4。5", D("4.5")),
        ("４．５", D("4.5")),
        ("-0", D(0)),
        ("100", D(100)),
    ],
)
def test_decimals(text, expected):
    assert v.parse_decimal(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("4,5", "bad_decimal"),
        ("1,234.5", "thousands_separator"),
        ("4.555", "too_many_decimals"),
        ("NaN", "bad_decimal"),
        ("Infinity", "bad_decimal"),
        ("1e2", "bad_decimal"),
        ("1000000", "number_too_large"),
        ("4.5分", "bad_decimal"),
    ],
)
def test_bad_decimals(text, code):
    assert code_of(v.parse_decimal, text) == code


def test_scores_take_a_percent_sign_and_refuse_negatives():
    assert v.parse_score("85%") == D(85)
    assert v.parse_score("85 %") == D(85)
    assert code_of(v.parse_score, "-1") == "negative_score"


@given(st.decimals(min_value=-999999, max_value=999999, places=2))
def test_decimals_round_trip(number):
    assert v.parse_decimal(str(number)) == number


# Yes and no, choices ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["yes", "Y", "TRUE", "true", "1", "是", "有", "对", "√", "有责"])
def test_yes(text):
    assert v.parse_boolean(text) is True


@pytest.mark.parametrize("text", ["no", "N", "FALSE", "0", "否", "无", "错", "×", "无责"])
def test_no(text):
    assert v.parse_boolean(text) is False


@pytest.mark.parametrize("text", ["maybe", "x", "2", "是否"])
def test_neither_yes_nor_no(text):
    assert code_of(v.parse_boolean, text) == "bad_boolean"


@pytest.mark.parametrize(
    ("enumeration", "text", "code"),
    [
        (v.SURVEY_SOURCES, "questionnaire", "questionnaire"),
        (v.SURVEY_SOURCES, "Questionnaire", "questionnaire"),
        (v.SURVEY_SOURCES, "问卷调查", "questionnaire"),
        (v.SURVEY_SOURCES, "电话访问", "phone"),
        (v.SURVEY_SOURCES, "电话回访", "phone"),
        (v.SURVEY_SOURCES, "在线调查", "online"),
        (v.SURVEY_SOURCES, "在线评价", "online"),
        (v.SURVEY_SOURCES, "神秘购物", "mystery_shopper"),
        (v.SURVEY_SOURCES, "神秘顾客", "mystery_shopper"),
        (v.SURVEY_SOURCES, "Mystery Shopper", "mystery_shopper"),
        (v.SURVEY_SOURCES, "mystery-shopper", "mystery_shopper"),
        (v.COMPLAINT_CATEGORIES, "服务类", "service"),
        (v.COMPLAINT_CATEGORIES, "运输类投诉", "transport"),
        (v.COMPLAINT_CATEGORIES, "INFORMATION", "information"),
        (v.COMPLAINT_CATEGORIES, "其他", "other"),
        (v.COMPLAINT_CATEGORIES, "其它类", "other"),
        (v.POSITIONS, "快递员", "courier"),
        (v.POSITIONS, "客服专员", "customer_service"),
        (v.POSITIONS, "Customer-service agent", "customer_service"),
        (v.POSITIONS, "customer service", "customer_service"),
        (v.POSITIONS, "站点员工", "station_staff"),
        (v.POSITIONS, "培训师", "trainer"),
        (v.POSITIONS, "人力资源", "hr"),
        (v.POSITIONS, "HR", "hr"),
        (v.POSITIONS, "经理", "manager"),
        (v.STAFF_STATUSES, "在职", "active"),
        (v.STAFF_STATUSES, "离职", "left"),
        (v.STAFF_STATUSES, "已离职", "left"),
        (v.SCALES, "1-5", "1-5"),
        (v.SCALES, "1–5", "1-5"),
        (v.SCALES, "5", "1-5"),
        (v.SCALES, "five-point", "1-5"),
        (v.SCALES, "五分制", "1-5"),
        (v.SCALES, "0-10", "0-10"),
        (v.SCALES, "10", "0-10"),
        (v.SCALES, "十分制", "0-10"),
        (v.SCALES, "percent", "percent"),
        (v.SCALES, "%", "percent"),
        (v.SCALES, "百分制", "percent"),
        (v.SCALES, "100", "percent"),
        (v.TEAMWORK_SOURCES, "团队项目", "team_project"),
        (v.TEAMWORK_SOURCES, "team project", "team_project"),
        (v.TEAMWORK_SOURCES, "沟通案例", "communication_case"),
    ],
)
def test_choices_by_code_label_or_alias(enumeration, text, code):
    assert enumeration(text) == code


def test_a_value_that_is_no_choice_lists_the_choices_in_both_languages():
    with pytest.raises(BadValue) as caught:
        v.SURVEY_SOURCES("email")
    assert caught.value.code == "bad_choice"
    assert caught.value.params["choices"] == (
        "问卷调查 (questionnaire), 电话访问 (phone), 在线调查 (online), 神秘购物 (mystery_shopper)"
    )


def test_choices_follow_the_positions_of_the_accounts_model():
    from lms.models.accounts import Position, StaffStatus

    assert [o.code for o in v.POSITIONS.options] == list(Position.values)
    assert [o.code for o in v.STAFF_STATUSES.options] == list(StaffStatus.values)
    assert set(v.SCALE_BOUNDS) == {o.code for o in v.SCALES.options}


def test_an_alias_naming_two_options_is_refused():
    with pytest.raises(ValueError, match="names two options"):
        v.Enumeration([v.Option("a", "A", "甲", ("x",)), v.Option("b", "B", "乙", ("X",))])


# Text, numbers of people, paths --------------------------------------------------------


def test_text_is_cleaned_and_measured():
    parse = v.text(5)
    assert parse("王喆") == "王喆"
    assert parse("王\u200b喆\x00") == "王喆"
    assert parse("a\r\nb") == "a b"
    assert code_of(parse, "abcdef") == "too_long"
    multiline = v.text(100, multiline=True)
    assert multiline("第一行\r\n第二行\r第三行\x07") == "第一行\n第二行\n第三行"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("E1001", "E1001"), ("sh-0012", "sh-0012"), ("A.b_1", "A.b_1"), ("Ｅ１００１", "E1001")],
)
def test_employee_numbers(text, expected):
    assert v.parse_employee_number(text) == expected


@pytest.mark.parametrize("text", ["E 1001", "王喆", "E1001!", "x" * 33, "E/1"])
def test_bad_employee_numbers(text):
    assert code_of(v.parse_employee_number, text) == "bad_employee_number"


@pytest.mark.parametrize(
    "text",
    [
        "华东区/上海/浦东站",
        "华东区 / 上海 / 浦东站",
        "华东区／上海／浦东站",
        "华东区>上海>浦东站",
        "华东区 > 上海 > 浦东站",
        "华东区\\上海\\浦东站",
        "/华东区/上海/浦东站/",
        "华东区//上海/浦东站",
    ],
)
def test_org_unit_paths(text):
    assert v.parse_org_path(text) == ("华东区", "上海", "浦东站")


def test_bad_org_unit_paths():
    assert code_of(v.parse_org_path, "/ /") == "bad_org_path"
    assert code_of(v.parse_org_path, "华东区/" + "站" * 101) == "too_long"


def test_email_and_phone():
    assert v.parse_email("wang.zhe@example.com") == "wang.zhe@example.com"
    assert v.parse_email("wang.zhe＠example.com") == "wang.zhe@example.com"
    assert code_of(v.parse_email, "wang.zhe@") == "bad_email"
    assert v.parse_phone("138 0013 8000") == "138 0013 8000"
    assert v.parse_phone("+86 (21) 5555-0100") == "+86 (21) 5555-0100"
    assert code_of(v.parse_phone, "call me") == "bad_phone"
    assert code_of(v.parse_phone, "1" * 33) == "bad_phone"
