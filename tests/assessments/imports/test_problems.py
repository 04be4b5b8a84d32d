"""Problems: stored as data, said as a sentence in the language of whoever reads them."""

import json
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.functional import Promise, lazy

from assessments.imports import problems as problems_module
from assessments.imports.problems import MESSAGES, ImportFileError, Problem

SOURCE = Path(problems_module.__file__).parent

# The params each code's message needs, as the code that raises it gives them.
PARAMS = {
    "encoding_changed": {"encoding": "UTF-8"},
    "line_too_long": {"max": 1048576},
    "field_too_long": {"max": 131072},
    "bad_csv": {"error": "unexpected end of data"},
    "missing_column": {"zh": "工号", "en": "employee number"},
    "duplicate_column": {"other": "工号"},
    "too_many_problems": {"count": 12},
    "too_long": {"max": 100},
    "thousands_separator": {"number": "1234"},
    "number_too_large": {"max": 2147483647},
    "too_many_decimals": {"places": 2},
    "bad_choice": {"choices": "服务类 (service), 其他类 (other)"},
    "bad_phone": {"max": 32},
    "bad_employee_number": {"max": 32},
    "score_out_of_scale": {"low": "1", "high": "5"},
    "score_above_max": {"max_score": "20", "max_column": "满分"},
    "on_time_exceeds_total": {"total": 120, "total_column": "派送数"},
    "on_time_without_total": {"total_column": "派送数"},
    "solved_exceeds_contacted": {"total": 12, "total_column": "2小时内联系数"},
    "errors_exceed_items": {"total": 10, "total_column": "处理件数"},
    "errors_without_items": {"total_column": "处理件数"},
    "period_end_before_start": {"start": "2026-10-31"},
    "left_before_hired": {"hire_date": "2024-03-01"},
    "before_received": {"received": "2026-10-09 09:15"},
    "left_employee": {"left_on": "2026-09-30"},
    "duplicate_key": {"first_line": 5},
    "email_repeated": {"first_line": 5},
    "too_many_rows": {"max": 2000000},
    "too_slow": {"seconds": 1800},
    "org_unit_depth": {"levels": 3},
}


pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_message_is_a_sentence_with_what_it_needs(code):
    problem = Problem(12, "派送数", "130", code, PARAMS.get(code, {}))
    message = problem.message
    assert "%(" not in message and "can't be imported (" not in message
    assert message.endswith(".")
    template = str(MESSAGES[code])
    if "%(line)s" in template:
        assert "12" in message
    if "%(column)s" in template:
        assert "派送数" in message


def test_every_code_the_import_uses_has_a_message():
    used = set()
    for path in SOURCE.glob("*.py"):
        text = path.read_text()
        used |= set(re.findall(r'BadValue\(\s*"(\w+)"', text))
        used |= set(re.findall(r'file_problem\(\s*"(\w+)"', text))
        used |= set(re.findall(r'\(\s*"\w*",\s*"(\w+)",\s*(?:\{|params)', text))  # checks
        used |= set(re.findall(r'Problem\([^)]*?"(\w+)",\s*(?:\{|params)', text))
    assert used, "the patterns above no longer find the codes"
    assert used - set(MESSAGES) == set()
    # And the codes the services raise, which this layer only describes.
    services = (
        *("unknown_employee", "left_employee", "duplicate_key", "org_unit_kind", "email_taken"),
        *("email_repeated", "account_without_profile", "account_protected"),
        "account_protected_missing",
        *("too_many_rows", "too_slow"),  # the codes of lms.platform.uploads.Budget
    )
    for code in services:
        assert code in MESSAGES


def test_the_example_sentence():
    problem = Problem(
        12,
        "按时派送数",
        "130",
        "on_time_exceeds_total",
        {"total": 120, "total_column": "派送数"},
    )
    assert problem.message == (
        "Line 12, column “按时派送数”: 130 on time is more than the total, 120 in “派送数”."
    )


def test_json_round_trip():
    problem = Problem(3, "工号", "X9", "unknown_employee", {})
    duplicate = Problem(9, "", "E1, 2026-10-01", "duplicate_key", {"first_line": 4})
    for item in (problem, duplicate):
        stored = json.loads(json.dumps(item.to_json()))
        assert Problem.from_json(stored) == item
        assert Problem.from_json(stored).message == item.message


def test_a_long_value_is_cut_to_100_characters():
    problem = Problem(2, "备注", "字" * 500, "too_long", {"max": 100})
    assert len(problem.value) == 100
    assert problem.value.endswith("…")


def test_a_code_or_params_from_another_version_still_say_something():
    unknown = Problem.from_json({"line": 4, "column": "x", "value": "y", "code": "new_code"})
    assert unknown.message == "Line 4, column “x”: “y” can't be imported (new_code)."
    missing = Problem(4, "x", "y", "duplicate_key", {})
    assert "can't be imported (duplicate_key)" in missing.message


def test_problems_hash_and_compare_by_value():
    one = Problem(1, "a", "b", "required", {"x": 1})
    assert one == Problem(1, "a", "b", "required", {"x": 1})
    assert len({one, Problem(1, "a", "b", "required", {"x": 1})}) == 1


def test_the_message_is_made_in_the_language_active_when_it_is_read(monkeypatch):
    # A lazy string that follows the active language stands in for a translated message
    # (the catalogue is compiled elsewhere).
    def say():
        return "第 %(line)s 行" if translation.get_language() == "zh-hans" else "Line %(line)s"

    monkeypatch.setitem(MESSAGES, "stand_in", lazy(say, str)())
    problem = Problem(7, "", "", "stand_in", {})
    with translation.override("zh-hans"):
        chinese = problem.message
    with translation.override("en"):
        english = problem.message
    assert (english, chinese) == ("Line 7", "第 7 行")
    assert isinstance(MESSAGES["required"], Promise)  # the real ones are lazy too


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_messages_in_chinese_once_translated(code):
    english = str(MESSAGES[code])
    with translation.override("zh-hans"):
        chinese = str(MESSAGES[code])
    if chinese == english:
        pytest.skip("not in the zh_Hans catalogue yet")
    problem = Problem(12, "派送数", "130", code, PARAMS.get(code, {}))
    with translation.override("zh-hans"):
        in_chinese = problem.message
    assert in_chinese != problem.message
    assert "%(" not in in_chinese and f"({code})" not in in_chinese


def test_the_file_error_lists_its_problems():
    error = ImportFileError([Problem(0, "", "a.doc", "unsupported_file", {})])
    assert isinstance(error, ValueError)
    assert "“a.doc” is neither a CSV file nor an Excel workbook" in str(error)
