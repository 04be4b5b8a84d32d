"""Model fields of our own."""

from __future__ import annotations

import orjson
from django.db import models
from django.utils.translation import gettext_lazy as _


def json_text(value) -> str:
    """Plain data (dicts, lists, strings, integers, booleans, None) as compact JSON text,
    its characters as they are (UTF-8, not escaped)."""
    return orjson.dumps(value).decode()


class JSONTextField(models.TextField):
    """A document of plain data kept as its JSON text, written and read in one piece.

    For data nothing ever searches into, such as a result's explanation: PostgreSQL's jsonb
    turns every document into its binary form on the way in, which was three fifths of the
    database's work in storing a 50,000-staff cycle's results (the benchmark in
    tests/benchmarks/bench_cycle.py), for queries nobody makes. (On SQLite a JSONField is
    text anyway.) The document itself is a dict or a list: a value assigned is kept as it
    is, the text being made only on the way to the database.
    """

    description = _("A JSON document, kept as text")

    def from_db_value(self, value, expression, connection):
        return None if value is None else orjson.loads(value)

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        return None if value is None else json_text(value)

    def value_to_string(self, obj):
        # As JSONField does: the serialiser writes the data itself, not a text of it.
        return self.value_from_object(obj)
