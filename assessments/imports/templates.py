# ruff: noqa: RUF001, RUF002 (full-width characters, on purpose)
"""The blank files HR downloads, fills in and imports: one per kind, in either language.

    template_csv("efficiency", "zh") -> bytes    # UTF-8 with BOM, which Excel opens right
    template_xlsx("efficiency", "en") -> bytes   # styled, with an "Instructions" sheet

Each holds the header row (optional columns marked "（选填）" / "(optional)", which
the import ignores) and two example rows from the demo world, which import cleanly
as they are. The language is the template's, not the interface's: a Chinese-speaking
HR officer may want the English file for another system, so the headers and the
instructions come from the columns' own two languages, not from the catalogue.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from assessments.imports import values as v
from assessments.imports.kinds import KINDS, Column, Kind

D = Decimal

SHEET_NAMES = {
    "roster": ("Roster", "花名册"),
    "surveys": ("Surveys", "满意度调查"),
    "complaints": ("Complaints", "投诉"),
    "efficiency": ("Efficiency", "工作效率"),
    "teamwork": ("Teamwork", "团队协作"),
}
INSTRUCTIONS = ("Instructions", "填写说明")
OPTIONAL = (" (optional)", "（选填）")

# Example rows, by column key: plain values, or (English, Chinese) for free text.
EXAMPLES = {
    "roster": [
        {
            "employee_number": "E1001",
            "full_name": "王喆",
            "org_unit_path": ("华东区", "上海浦东站", "浦东收派一组"),
            "position": "courier",
            "hire_date": date(2024, 3, 1),
            "status": "active",
            "email": "wang.zhe@example.com",
            "phone": "138 0013 8000",
        },
        {
            "employee_number": "E1005",
            "full_name": "王芳",
            "org_unit_path": ("华东区", "上海浦东站", "浦东客服组"),
            "position": "customer_service",
            "hire_date": date(2023, 7, 15),
            "status": "left",
            "left_on": date(2026, 9, 30),
        },
    ],
    "surveys": [
        {
            "reference": "MY-2026-10-0001",
            "employee_number": "E1001",
            "date": date(2026, 10, 8),
            "source": "questionnaire",
            "score": D("4.5"),
            "scale": "1-5",
            "comment": ("On time and polite.", "派送准时，态度很好。"),
        },
        {
            "reference": "MY-2026-10-0002",
            "employee_number": "E1005",
            "date": date(2026, 10, 9),
            "source": "phone",
            "score": D(92),
            "scale": "percent",
        },
    ],
    "complaints": [
        {
            "reference": "TS-2026-10-0001",
            "employee_number": "E1001",
            "received_at": datetime(2026, 10, 9, 9, 15),
            "category": "service",
            "company_at_fault": True,
            "first_contact_at": datetime(2026, 10, 9, 10, 40),
            "resolved_at": datetime(2026, 10, 10, 16, 0),
            "outcome": (
                "Apologised to the customer; the courier was retrained on the service rules.",
                "已向客户致歉，并对快递员进行服务规范培训。",
            ),
            "handler": "E1005",
        },
        {
            "reference": "TS-2026-10-0002",
            "employee_number": "E1005",
            "received_at": datetime(2026, 10, 12, 14, 2),
            "category": "information",
            "company_at_fault": False,
            "first_contact_at": datetime(2026, 10, 12, 14, 30),
            "handler": "E1006",
        },
    ],
    "efficiency": [
        {
            "employee_number": "E1001",
            "period_start": date(2026, 10, 1),
            "period_end": date(2026, 10, 31),
            "pickups": 120,
            "pickups_on_time": 114,
            "deliveries": 480,
            "deliveries_on_time": 472,
            "exceptions": 6,
            "exceptions_on_time": 5,
            "exceptions_solved": 4,
            "items_handled": 600,
            "errors": 2,
        },
        {
            "employee_number": "E1005",
            "period_start": date(2026, 10, 1),
            "period_end": date(2026, 10, 31),
            "queries": 900,
            "queries_on_time": 871,
            "exceptions": 30,
            "exceptions_on_time": 28,
            "exceptions_solved": 26,
            "items_handled": 930,
            "errors": 3,
        },
    ],
    "teamwork": [
        {
            "employee_number": "E1001",
            "date": date(2026, 10, 20),
            "source": "team_project",
            "evaluator": "林海峰",
            "score": D("17.5"),
            "max_score": D(20),
            "comment": ("Kept the team on schedule.", "协调得力，按时完成。"),
        },
        {
            "employee_number": "E1005",
            "date": date(2026, 10, 22),
            "source": "communication_case",
            "evaluator": "林海峰",
            "score": D(8),
            "max_score": D(10),
        },
    ],
}


def _chinese(language: str) -> bool:
    return (language or "zh").lower().startswith("zh")


def header(column: Column, language: str) -> str:
    """The column's name as the template writes it, optional ones marked."""
    zh = _chinese(language)
    name = column.zh if zh else column.en
    return name if column.required else name + OPTIONAL[zh]


def cell_text(column: Column, value, language: str) -> str:
    """A value as a person types it in that language."""
    zh = _chinese(language)
    if value is None:
        return ""
    if isinstance(column.parse, v.Enumeration):
        return column.parse.label(value, language) if zh else value
    if isinstance(value, bool):
        return ("是" if value else "否") if zh else ("yes" if value else "no")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple) and column.key == "org_unit_path":
        return "/".join(value)
    if isinstance(value, tuple):  # free text, (English, Chinese)
        return value[zh]
    return str(value)


def _kind(kind_name: str) -> Kind:
    try:
        return KINDS[kind_name]
    except KeyError:
        raise ValueError(f"no kind of import is called {kind_name!r}") from None


def template_csv(kind_name: str, language: str) -> bytes:
    """The CSV template: UTF-8 with a BOM, the header row and two example rows."""
    kind = _kind(kind_name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header(column, language) for column in kind.columns])
    for example in EXAMPLES[kind.name]:
        writer.writerow(
            [cell_text(column, example.get(column.key), language) for column in kind.columns]
        )
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(kind_name: str, language: str) -> bytes:
    """The XLSX template: the header row and example rows as real dates and numbers on
    the first sheet, and what each column takes on a second."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    kind = _kind(kind_name)
    zh = _chinese(language)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAMES[kind.name][zh]
    required_fill = PatternFill("solid", fgColor="FFD9E7F5")
    optional_fill = PatternFill("solid", fgColor="FFEDEDED")
    for number, column in enumerate(kind.columns, 1):
        letter = get_column_letter(number)
        cell = sheet.cell(row=1, column=number, value=header(column, language))
        cell.font = Font(bold=True)
        cell.fill = required_fill if column.required else optional_fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        number_format = _number_format(column)
        for row, example in enumerate(EXAMPLES[kind.name], 2):
            value = _cell_value(column, example.get(column.key), language)
            cell = sheet.cell(row=row, column=number, value=value)
            if number_format:
                cell.number_format = number_format
        if number_format:  # what people type in below the examples, too
            sheet.column_dimensions[letter].number_format = number_format
        sheet.column_dimensions[letter].width = _width(column, language)
        if isinstance(column.parse, v.Enumeration) or column.parse is v.parse_boolean:
            choices = _dropdown(column, zh)
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(choices) + '"',
                allow_blank=True,
                showErrorMessage=False,  # a dropdown to help, not a rule: codes work too
            )
            validation.add(f"{letter}2:{letter}10000")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 30
    _instructions(workbook.create_sheet(INSTRUCTIONS[zh]), kind, language)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _number_format(column: Column) -> str:
    if column.parse is v.parse_date:
        return "yyyy-mm-dd"
    if column.parse is v.parse_datetime:
        return "yyyy-mm-dd hh:mm"
    if column.parse in (v.parse_employee_number, v.parse_phone):
        return "@"  # text: "0012" keeps its zeros, a phone number isn't a number
    return ""


def _cell_value(column: Column, value, language: str):
    """A value as the sheet holds it: dates, numbers and text as themselves."""
    if value is None:
        return None
    if isinstance(value, date) or (isinstance(value, int | Decimal) and type(value) is not bool):
        return value
    return cell_text(column, value, language)


def _width(column: Column, language: str) -> float:
    texts = [header(column, language), column.example]
    longest = max(sum(2 if ord(char) > 0x2E80 else 1 for char in text) for text in texts)
    return min(max(longest + 2, 10), 40)


def _dropdown(column: Column, zh: bool) -> list[str]:
    if column.parse is v.parse_boolean:
        return ["是", "否"] if zh else ["yes", "no"]
    return [option.zh if zh else option.code for option in column.parse.options]


def _instructions(sheet, kind: Kind, language: str) -> None:
    from openpyxl.styles import Alignment, Font

    zh = _chinese(language)
    titles = (
        ("列名", "是否必填", "填写说明", "可选值", "示例")
        if zh
        else ("Column", "Required", "What to write", "Allowed values", "Example")
    )
    sheet.append(titles)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    example = EXAMPLES[kind.name][0]
    for column in kind.columns:
        required = (
            ("必填" if column.required else "选填")
            if zh
            else ("required" if column.required else "optional")
        )
        allowed = ""
        if isinstance(column.parse, v.Enumeration):
            allowed = ("、" if zh else ", ").join(_dropdown(column, zh))
        elif column.parse is v.parse_boolean:
            allowed = "是、否" if zh else "yes, no"
        sheet.append(
            [
                header(column, language),
                required,
                column.help_zh if zh else column.help_en,
                allowed,
                cell_text(column, example.get(column.key), language) or column.example,
            ]
        )
    sheet.append([])
    notes = (
        [
            "每行一条记录；第一行是列名，请保留。列的顺序可以调整，不认识的列会被忽略。",
            "日期写成 2026-10-01，时间写成 2026-10-01 14:30。",
            "可选值也可以写英文代码（如 questionnaire）。",
            "保存为 Excel 工作簿（.xlsx）或 CSV（UTF-8 或 GB18030）后导入；"
            "重复导入同一文件不会产生重复记录。",
        ]
        if zh
        else [
            "One record per row; the first row names the columns, keep it. Columns may come "
            "in any order; columns the import doesn't know are ignored.",
            "Write dates as 2026-10-01 and times as 2026-10-01 14:30.",
            "Allowed values may also be written in Chinese (such as 问卷调查).",
            "Save as an Excel workbook (.xlsx) or as CSV (UTF-8 or GB18030), then import it; "
            "importing the same file again adds nothing twice.",
        ]
    )
    for note in notes:
        sheet.append([note])
    widths = {"A": 28, "B": 10, "C": 60, "D": 40, "E": 24}
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2, max_row=len(kind.columns) + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
