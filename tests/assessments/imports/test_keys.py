"""Natural keys repeated within a file: found one at a time or in batches, on disk, and
right even when two different keys share a hash."""

import io
import os
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.imports.keys import KeyRegistry, duplicate_problem, mark_duplicates, natural_key
from assessments.imports.kinds import KINDS, Checked, read
from assessments.imports.readers import open_table

OCT_1, OCT_31 = date(2026, 10, 1), date(2026, 10, 31)


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def registry(tmp_path):
    with KeyRegistry(directory=str(tmp_path)) as keys:
        yield keys


def test_add_gives_the_earlier_line(registry):
    assert registry.add(("E1", OCT_1, OCT_31), 2) is None
    assert registry.add(("E2", OCT_1, OCT_31), 3) is None
    assert registry.add(("E1", OCT_1, date(2026, 11, 30)), 4) is None
    assert registry.add(("E1", OCT_1, OCT_31), 5) == 2
    assert registry.add(("E1", OCT_1, OCT_31), 9) == 2


def test_add_many_within_and_across_batches(registry):
    assert registry.add_many([(("a",), 2), (("b",), 3), (("a",), 4), (("a",), 5)]) == [
        (4, 2),
        (5, 2),
    ]
    assert registry.add_many([(("c",), 6), (("b",), 7)]) == [(7, 3)]
    assert registry.add(("c",), 8) == 6
    assert registry.add_many([]) == []


def test_keys_that_share_a_hash_are_told_apart(registry, monkeypatch):
    # Every key gets the same first hash: only the second tells them apart.
    monkeypatch.setattr(KeyRegistry, "hashes", staticmethod(lambda key: (7, hash(key))))
    assert registry.add(("a",), 2) is None
    assert registry.add(("b",), 3) is None
    assert registry.add(("c",), 4) is None
    assert registry.add(("b",), 5) == 3
    assert registry.add_many([(("d",), 6), (("a",), 7), (("d",), 8), (("c",), 9)]) == [
        (7, 2),
        (8, 6),
        (9, 4),
    ]


def test_the_database_is_a_temporary_file_removed_at_the_end(tmp_path):
    with KeyRegistry(directory=str(tmp_path)) as registry:
        registry.add(("a",), 1)
        assert os.path.exists(registry.path)
        assert os.path.dirname(registry.path) == str(tmp_path)
    assert not os.path.exists(registry.path)
    registry.close()  # twice is fine


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["E1", "E2", "E3", "王喆", "刘䶮"]), max_size=60), st.data())
def test_the_same_answers_as_a_dictionary(numbers, data):
    batch_size = data.draw(st.integers(min_value=1, max_value=10))
    items = [((number, OCT_1), line) for line, number in enumerate(numbers, 2)]
    first: dict = {}
    expected = []
    for key, line in items:
        if key in first:
            expected.append((line, first[key]))
        else:
            first[key] = line
    with KeyRegistry() as registry:
        found = []
        for start in range(0, len(items), batch_size):
            found += registry.add_many(items[start : start + batch_size])
    assert found == expected


def test_mark_duplicates_in_a_file(registry):
    data = (
        "工号,开始日期,结束日期,派送数\r\n"
        "E1,2026-10-01,2026-10-31,10\r\n"
        "E2,2026-10-01,2026-10-31,10\r\n"
        "E1,2026-10-01,2026-10-31,12\r\n"
        "E1,2026-10-01,2026-10-30,12\r\n"
        "E2,2026-10-01,2026-10-31,x\r\n"  # already wrong: no key to compare
        "E2,2026/10/1,2026年10月31日,10\r\n"
    ).encode()
    kind = KINDS["efficiency"]
    rows = list(
        mark_duplicates(kind, read(kind, open_table("a.csv", io.BytesIO(data))), registry, 2)
    )
    assert [row.line for row in rows] == [2, 3, 4, 5, 6, 7]
    assert [(p.line, p.code, p.value, p.params) for row in rows for p in row.problems] == [
        (4, "duplicate_key", "E1, 2026-10-01, 2026-10-31", {"first_line": 2}),
        (6, "bad_integer", "x", {}),
        (7, "duplicate_key", "E2, 2026-10-01, 2026-10-31", {"first_line": 3}),
    ]
    assert rows[2].record is None
    assert rows[2].problems[0].message == (
        "Line 4 repeats line 2 (E1, 2026-10-01, 2026-10-31): a record may appear only once "
        "in a file."
    )


def test_natural_keys():
    kind = KINDS["teamwork"]
    rows = list(
        read(
            kind,
            open_table(
                "t.csv",
                io.BytesIO(
                    "工号,评价日期,评价来源,得分,满分\r\nE1,2026-10-20,团队项目,8,10".encode()
                ),
            ),
        )
    )
    assert natural_key(kind, rows[0].record) == ("E1", date(2026, 10, 20), "team_project", "")
    assert duplicate_problem(9, ("E1", date(2026, 10, 20), "team_project", ""), 4).value == (
        "E1, 2026-10-20, team_project"
    )


def test_rows_with_problems_pass_through(registry):
    kind = KINDS["roster"]
    bad = Checked(2, None, ())
    assert list(mark_duplicates(kind, [bad], registry)) == [bad]
