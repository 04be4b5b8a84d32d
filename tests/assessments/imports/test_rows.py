"""The API's rows as the CSV file the import reads (assessments/imports/rows.py, pure)."""

import csv
import io
from decimal import Decimal

import pytest

from assessments.imports.readers import open_table
from assessments.imports.rows import cell_text, rows_csv


def test_columns_are_the_keys_in_order_of_first_use_and_missing_cells_are_empty():
    data, lines = rows_csv([{"a": "1", "b": "2"}, {"c": "3", "a": "4"}])
    assert list(csv.reader(io.StringIO(data.decode()))) == [
        ["a", "b", "c"],
        ["1", "2", ""],
        ["4", "", "3"],
    ]
    assert lines == [2, 3]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (17, "17"),
        (4.5, "4.5"),
        (1e-05, "0.00001"),
        (Decimal("2.50"), "2.50"),
        ("王喆", "王喆"),
    ],
)
def test_json_values_as_cells(value, text):
    assert cell_text(value) == text


def test_a_nested_value_is_not_a_cell():
    with pytest.raises(TypeError):
        cell_text({"a": 1})


def test_each_row_starts_on_the_line_the_reader_gives_it_even_after_line_breaks():
    rows = [
        {"reference": "S-1", "comment": "第一行\n第二行"},
        {"reference": "S-2", "comment": "a\r\nb\rc"},
        {"reference": "S-3", "comment": ""},
    ]
    data, lines = rows_csv(rows)
    table = open_table("rows.csv", io.BytesIO(data))
    try:
        read = [(line, cells[0]) for line, cells in table.rows()]
    finally:
        table.close()
    assert read == [(2, "S-1"), (4, "S-2"), (7, "S-3")]
    assert lines == [2, 4, 7]
