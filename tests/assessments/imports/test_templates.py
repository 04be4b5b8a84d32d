# ruff: noqa: RUF001 (full-width characters, on purpose)
"""The templates HR downloads: in both languages, and filled in as they come they import
without a problem."""

import io

import openpyxl
import pytest

from assessments.imports import values as v
from assessments.imports.kinds import KINDS, read
from assessments.imports.readers import open_table
from assessments.imports.templates import (
    EXAMPLES,
    INSTRUCTIONS,
    SHEET_NAMES,
    template_csv,
    template_xlsx,
)

CASES = [(kind, language) for kind in KINDS for language in ("en", "zh")]


pytestmark = pytest.mark.usefixtures("english")


def imported(data: bytes, name: str, kind: str) -> list:
    rows = list(read(KINDS[kind], open_table(name, io.BytesIO(data))))
    assert [problem.message for row in rows for problem in row.problems] == []
    return [row.record for row in rows]


@pytest.mark.parametrize(("kind", "language"), CASES)
def test_templates_import_cleanly_and_give_the_same_records(kind, language):
    from_csv = imported(template_csv(kind, language), "template.csv", kind)
    from_xlsx = imported(template_xlsx(kind, language), "template.xlsx", kind)
    assert len(from_csv) == len(EXAMPLES[kind]) == 2
    assert from_csv == from_xlsx
    if kind not in ("surveys", "complaints", "teamwork"):  # free text differs by language
        other = "zh" if language == "en" else "en"
        assert from_csv == imported(template_csv(kind, other), "other.csv", kind)


@pytest.mark.parametrize(("kind", "language"), CASES)
def test_csv_templates_are_utf8_with_a_bom(kind, language):
    data = template_csv(kind, language)
    assert data.startswith(b"\xef\xbb\xbf")
    header = data.decode("utf-8-sig").splitlines()[0].split(",")
    columns = KINDS[kind].columns
    names = [c.zh if language == "zh" else c.en for c in columns]
    assert [h.removesuffix("（选填）").removesuffix(" (optional)") for h in header] == names
    assert all(
        h.endswith(("（选填）", " (optional)")) != c.required
        for h, c in zip(header, columns, strict=True)
    )


def test_the_chinese_roster_template():
    assert template_csv("roster", "zh").decode("utf-8-sig").splitlines() == [
        "工号,姓名,所属组织,岗位,入职日期,在职状态（选填）,离职日期（选填）,电子邮箱（选填）,"
        "手机号（选填）",
        "E1001,王喆,华东区/上海浦东站/浦东收派一组,快递员,2024-03-01,在职,,"
        "wang.zhe@example.com,138 0013 8000",
        "E1005,王芳,华东区/上海浦东站/浦东客服组,客服专员,2023-07-15,离职,2026-09-30,,",
    ]


@pytest.mark.parametrize(("kind", "language"), CASES)
def test_xlsx_templates_have_typed_cells_and_instructions(kind, language):
    zh = language == "zh"
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx(kind, language)))
    assert workbook.sheetnames == [SHEET_NAMES[kind][zh], INSTRUCTIONS[zh]]
    sheet = workbook.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    columns = KINDS[kind].columns
    for number, column in enumerate(columns, 1):
        value = sheet.cell(row=2, column=number).value
        if column.key == "employee_number":
            assert isinstance(value, str)
        if column.parse in (v.parse_date, v.parse_datetime) and value is not None:
            assert sheet.cell(row=2, column=number).is_date
        if column.parse is v.parse_count and value is not None:
            assert isinstance(value, int)
    instructions = workbook.worksheets[1]
    listed = [row[0].value for row in instructions.iter_rows(min_row=2, max_row=len(columns) + 1)]
    assert len(listed) == len(columns)
    required = [
        row[1].value for row in instructions.iter_rows(min_row=2, max_row=len(columns) + 1)
    ]
    word = ("必填", "选填") if zh else ("required", "optional")
    assert required == [word[0] if c.required else word[1] for c in columns]


def test_the_instructions_list_allowed_values():
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx("surveys", "zh")))
    rows = {row[0]: row for row in workbook["填写说明"].iter_rows(values_only=True) if row[0]}
    assert rows["调查方式"][3] == "问卷调查、电话访问、在线调查、神秘购物"
    assert rows["调查方式"][4] == "问卷调查"
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx("complaints", "en")))
    rows = {row[0]: row for row in workbook["Instructions"].iter_rows(values_only=True) if row[0]}
    assert rows["category"][3] == "service, transport, information, other"
    assert rows["company at fault"][3] == "yes, no"


def test_an_unknown_kind():
    with pytest.raises(ValueError, match="payroll"):
        template_csv("payroll", "zh")
