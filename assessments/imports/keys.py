"""Natural keys repeated within one file, found in bounded memory; not the site's database.

A file of a million rows has a million keys: too many to keep in a Python set per
import (and several imports may run at once), so they go into a throw-away SQLite
database on disk, whose page cache (`CACHE_KIB`) is all the memory it takes:

    with KeyRegistry() as registry:
        for checked in mark_duplicates(kind, read(kind, table), registry):
            ...   # a repeated key is a "duplicate_key" problem on the later line

`KeyRegistry.add` answers one key at a time (the earlier line, or None); `add_many`
answers a batch, several times faster. A key is stored as two 64-bit hashes of it
(Python's SipHash, keyed per process, of the key and of the key with its texts
altered) and the line: small rows with an integer primary key, inserted a batch at a
time, are what makes a million keys take seconds rather than minutes. Two keys are
the same when both hashes are; the first alone colliding is handled (a side table).
Both colliding for different keys is the accepted risk: it takes two independent
64-bit collisions, or two dates with one hash (a few thousand dates in a file).
"""

from __future__ import annotations

import contextlib
import functools
import json
import operator
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator

from assessments.imports.kinds import Checked, Kind
from assessments.imports.problems import Problem

# Rows held while their keys are looked up: few enough that they die young, before the
# garbage collector moves them to its oldest generation, whose collections scan every
# object the process holds (batches of 10,000 rows were a fifth slower than of 200).
BATCH_SIZE = 200
CACHE_KIB = 32 * 1024  # SQLite's page cache: the registry's memory, whatever the file size


def natural_key(kind: Kind, record) -> tuple:
    """The values of the record's natural key, in `kind.key`'s order."""
    return _key_getter(kind.key)(record)


@functools.cache
def _key_getter(fields: tuple[str, ...]) -> Callable[[object], tuple]:
    get = operator.attrgetter(*fields)
    return get if len(fields) > 1 else lambda record: (get(record),)


def _hashes(key: tuple) -> tuple[int, int]:
    # The key's hash, and that of the key with each text part changed (a NUL added), so
    # that two texts whose hashes collide are told apart by the second.
    return hash(key), hash(tuple([p + "\0" if type(p) is str else p for p in key]))


def duplicate_problem(line: int, key: tuple, first_line: int) -> Problem:
    """The problem of a record whose key was already on `first_line`."""
    shown = ", ".join(str(part) for part in key if part is not None and part != "")
    return Problem(line, "", shown, "duplicate_key", {"first_line": first_line})


class KeyRegistry:
    """The keys seen so far in a file, and the line where each was first seen."""

    hashes = staticmethod(_hashes)

    def __init__(self, directory: str | None = None):
        handle, self.path = tempfile.mkstemp(
            prefix="lms-import-keys-", suffix=".sqlite3", dir=directory
        )
        os.close(handle)
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        for pragma in (
            "journal_mode = OFF",  # a throw-away database: no journal, no syncing
            "synchronous = OFF",
            "locking_mode = EXCLUSIVE",
            f"cache_size = -{CACHE_KIB}",
        ):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute("CREATE TABLE seen (h INTEGER PRIMARY KEY, h2 INTEGER, line INTEGER)")
        # Keys whose first hash is another key's: rare enough for a plain index.
        self._db.execute(
            "CREATE TABLE collided (h INTEGER, h2 INTEGER, line INTEGER, PRIMARY KEY (h, h2))"
        )
        self._db.execute("BEGIN")

    def add(self, key: tuple, line: int) -> int | None:
        """Record `key` as seen on `line`; the earlier line if it was seen before."""
        h, h2 = self.hashes(key)
        cursor = self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?, ?)", (h, h2, line))
        if cursor.rowcount:
            return None
        stored_h2, first = self._db.execute(
            "SELECT h2, line FROM seen WHERE h = ?", (h,)
        ).fetchone()
        if stored_h2 != h2:
            first = self._collided(h, h2, line)
        return None if first == line else first

    def _collided(self, h: int, h2: int, line: int) -> int:
        self._db.execute("INSERT OR IGNORE INTO collided VALUES (?, ?, ?)", (h, h2, line))
        return self._db.execute(
            "SELECT line FROM collided WHERE h = ? AND h2 = ?", (h, h2)
        ).fetchone()[0]

    def add_many(self, items: Iterable[tuple[tuple, int]]) -> list[tuple[int, int]]:
        """Record each (key, line); (line, earlier line) for each key seen before, in this
        batch or an earlier one, by line. Lines must differ."""
        hashes = self.hashes
        rows = [(*hashes(key), line) for key, line in items]  # in order: the first line wins
        db = self._db
        before = db.total_changes
        db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?, ?)", rows)
        if db.total_changes - before == len(rows):
            return []
        stored = dict(
            (
                (h, (h2, line))
                for h, h2, line in db.execute(
                    "SELECT h, h2, line FROM seen WHERE h IN (SELECT value FROM json_each(?))",
                    (json.dumps([row[0] for row in rows]),),
                )
            )
        )
        repeated = []
        for h, h2, line in rows:
            stored_h2, first = stored[h]
            if first == line:
                continue
            if stored_h2 != h2:
                first = self._collided(h, h2, line)
                if first == line:
                    continue
            repeated.append((line, first))
        repeated.sort()
        return repeated

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)

    def __enter__(self) -> KeyRegistry:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def mark_duplicates(
    kind: Kind,
    rows: Iterable[Checked],
    registry: KeyRegistry,
    batch_size: int = BATCH_SIZE,
) -> Iterator[Checked]:
    """The rows, in order, with each record whose key came earlier in the file replaced by
    a "duplicate_key" problem. Rows that already have problems have no key to compare."""
    batch: list[Checked] = []
    for checked in rows:
        batch.append(checked)
        if len(batch) >= batch_size:
            yield from _marked(kind, batch, registry)
            batch = []
    yield from _marked(kind, batch, registry)


def _marked(kind: Kind, batch: list[Checked], registry: KeyRegistry) -> Iterator[Checked]:
    key_of = _key_getter(kind.key)
    items = [(key_of(row.record), row.line) for row in batch if row.record is not None]
    repeated = dict(registry.add_many(items)) if items else {}
    if not repeated:
        yield from batch
        return
    for checked in batch:
        first = repeated.get(checked.line)
        if first is None:
            yield checked
        else:
            problem = duplicate_problem(checked.line, key_of(checked.record), first)
            yield Checked(checked.line, None, (problem,))
