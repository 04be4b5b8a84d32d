"""Importing operational data: check a whole file, then write it, or nothing.

The pure layer reads the file and checks each row on its own: `readers` turns a CSV or XLSX
upload into a header and streamed rows of text, `values` reads one cell, `kinds` knows each
kind's columns and checks each row into a record, `keys` finds natural keys repeated within a
file, `templates` writes the blank files HR fills in, and `problems` holds what can go wrong,
as data whose message is translated when it is read. This module adds what needs the
database (employee numbers, keys already stored) and writes.

- `batch_create` keeps the uploaded file (and its SHA-256) as an `ImportBatch`.
- `batch_check` reads the whole file without writing anything: each row is new,
  updated, unchanged or wrong; the batch is then ready to import, or has errors.
- `batch_apply` reads it again and writes it in one transaction; a row found wrong
  on the way (the data changed since the check) rolls everything back.
- `import_file` does both in one pass, for the command line.

Files are streamed in chunks of `CHUNK` rows: memory depends on the chunk and on the
number of staff, never on the number of rows. Duplicate keys inside a file are found
with an on-disk key registry. Progress goes to the cache, so that a page can show it
while the import's transaction is still open.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import islice
from operator import attrgetter

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from assessments.imports.keys import KeyRegistry, natural_key
from assessments.imports.kinds import KINDS, Checked, normalize_header, read
from assessments.imports.problems import ImportFileError, Problem
from assessments.imports.readers import open_table
from assessments.imports.signals import import_applied
from assessments.models.metrics import (
    EFFICIENCY_FIELDS,
    Complaint,
    EfficiencyRecord,
    ImportBatch,
    ImportKind,
    ImportSource,
    ImportState,
    SurveyResult,
    TeamworkEvaluation,
)
from lms.audit import audit_record
from lms.models.accounts import StaffProfile, StaffStatus, User
from lms.models.audit import AuditAction
from lms.models.org import CHILD_KIND, OrgUnit
from lms.permissions import may_give_roles, may_manage_account
from lms.platform.uploads import Budget
from lms.services import (
    DEFAULT_ROLES,
    orgunit_add,
    staff_create,
    staff_mark_left,
    staff_reinstate,
    staff_update,
)

CHUNK = 5000


KEEP_PROBLEMS = 1000  # problems kept on the batch; the count is kept in full


PROGRESS_TIMEOUT = 24 * 3600


class Rollback(Exception):
    """Raised inside the import's transaction when a row turns out wrong."""


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    left: int = 0  # roster: people missing from a full roster, marked as left
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    def add_problems(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.problem_count += 1
            if len(self.problems) < KEEP_PROBLEMS:
                self.problems.append(problem)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


# Storing the upload -------------------------------------------------------------------


def batch_create(
    *,
    kind: str,
    name: str,
    stream,
    by=None,
    full_roster: bool = False,
    source: str = ImportSource.FILE,
):
    """Keep an uploaded file (or the rows the API was given, as a file) as a new import,
    hashing it as it is stored."""
    ImportKind(kind)  # a ValueError for a kind that does not exist
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    batch = ImportBatch(
        kind=kind,
        file_name=name[:255],
        sha256=digest.hexdigest(),
        size=size,
        uploaded_by=by,
        full_roster=full_roster and kind == ImportKind.ROSTER,
        source=source,
    )
    batch.file.save(name, File(stream, name=name), save=False)
    batch.save()
    return batch


# Progress -----------------------------------------------------------------------------


def progress_key(batch_id: int) -> str:
    """Where the step running now keeps the percent of the file it has read."""
    return f"import-progress:{batch_id}"


# Checking and importing --------------------------------------------------------------


def batch_check(batch: ImportBatch) -> ImportBatch:
    """Read the whole file and say what importing it would do; writes nothing else. The
    rows read and the time taken are bounded (`lms.platform.uploads.Budget`)."""
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportState.CHECKING)
    outcome = _guarded(batch, write=False, budget=Budget("import"))
    state = ImportState.CHECKED if outcome.ok else ImportState.REJECTED
    return _finish(batch, outcome, state)


def batch_apply(batch: ImportBatch, *, by=None, task_id: str = "") -> ImportBatch:
    """Import a checked file: every row, or none if any is wrong now. The task queued to
    write it (`task_id`, the batch's own) may take it up again after its worker was lost."""
    mine = Q(state=ImportState.CHECKED)
    if task_id:
        mine |= Q(state__in=[ImportState.IMPORTING, ImportState.FAILED], task_id=task_id)
    claimed = ImportBatch.objects.filter(mine, pk=batch.pk).update(
        state=ImportState.IMPORTING, imported_by=by, failure=""
    )
    if not claimed:  # imported already, or being imported by another request
        return ImportBatch.objects.get(pk=batch.pk)
    batch.refresh_from_db()
    outcome = _guarded(batch, write=True, by=by, budget=Budget("import"))
    if not outcome.ok:
        return _finish(batch, outcome, ImportState.REJECTED)
    return _imported(batch, outcome, by)


def _imported(batch: ImportBatch, outcome: Outcome, by) -> ImportBatch:
    """Record a batch as imported, in the batch and in the audit log."""
    batch.imported_at = timezone.now()
    batch = _finish(batch, outcome, ImportState.DONE)
    audit_record(
        action=AuditAction.DATA_IMPORTED,
        actor=by,
        target=batch,
        details={
            "kind": batch.kind,
            "file": batch.file_name,
            "sha256": batch.sha256,
            "created": batch.created,
            "updated": batch.updated,
            "unchanged": batch.unchanged,
            "left": batch.left,
        },
    )
    transaction.on_commit(lambda: import_applied.send(sender=ImportBatch, batch=batch))
    return batch


# What the batch's failure starts with when its task was given up (`batch_given_up`).
GIVEN_UP = "given up: "


def batch_given_up(batch_id: int, reason: str) -> bool:
    """The batch's task will not run again (its worker was lost, or it failed): a batch still
    checking or importing is failed, with the reason; nothing was written (the import is one
    transaction). Whether it was."""
    return bool(
        ImportBatch.objects.filter(
            pk=batch_id, state__in=[ImportState.CHECKING, ImportState.IMPORTING]
        ).update(state=ImportState.FAILED, failure=(GIVEN_UP + reason)[:2000])
    )


# The states a batch may be cancelled in (its task, if any, no longer running: the caller's).
CANCELLABLE = [
    ImportState.CHECKED,
    ImportState.REJECTED,
    ImportState.FAILED,
    ImportState.CHECKING,
    ImportState.IMPORTING,
]


def batch_cancel(
    batch: ImportBatch, *, states=(ImportState.CHECKED, ImportState.REJECTED)
) -> bool:
    return bool(
        ImportBatch.objects.filter(pk=batch.pk, state__in=list(states)).update(
            state=ImportState.CANCELLED
        )
    )


def batch_recheck(batch: ImportBatch) -> bool:
    """Put a failed (or stuck) batch back to checking, its counts cleared; whether it was."""
    return bool(
        ImportBatch.objects.filter(
            pk=batch.pk,
            state__in=[ImportState.FAILED, ImportState.CHECKING, ImportState.IMPORTING],
        ).update(state=ImportState.CHECKING, failure="", rows_done=0, task_id="")
    )


def import_file(
    *,
    kind: str,
    name: str,
    stream,
    by=None,
    dry_run: bool = False,
    full_roster: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[ImportBatch | None, Outcome]:
    """Check and import a file in one pass (the command line). A dry run stores nothing."""
    if dry_run:
        spec = _SPECS[kind](full_roster=full_roster)
        outcome = _run(spec, name, stream, write=False, on_progress=on_progress)
        return None, outcome
    batch = batch_create(kind=kind, name=name, stream=stream, by=by, full_roster=full_roster)
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportState.IMPORTING, imported_by=by)
    batch.imported_by = by
    outcome = _guarded(batch, write=True, by=by, on_progress=on_progress)
    if not outcome.ok:
        return _finish(batch, outcome, ImportState.REJECTED), outcome
    return _imported(batch, outcome, by), outcome


def _guarded(
    batch: ImportBatch, *, write: bool, by=None, on_progress=None, budget: Budget | None = None
) -> Outcome:
    """Run a batch's file; an unexpected failure marks the batch failed and is raised."""
    key = progress_key(batch.pk)

    def progress(percent: int) -> None:
        cache.set(key, percent, PROGRESS_TIMEOUT)
        if on_progress:
            on_progress(percent)

    spec = _SPECS[batch.kind](full_roster=batch.full_roster, by=by, batch=batch)
    try:
        with batch.file.open("rb") as stream:
            return _run(
                spec, batch.file_name, stream, write=write, on_progress=progress, budget=budget
            )
    except Exception as error:
        ImportBatch.objects.filter(pk=batch.pk).update(
            state=ImportState.FAILED, failure=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
    finally:
        cache.delete(key)


def _finish(batch: ImportBatch, outcome: Outcome, state: ImportState) -> ImportBatch:
    batch.state = state
    batch.rows_total = batch.rows_done = outcome.rows
    batch.created, batch.updated = outcome.created, outcome.updated
    batch.unchanged, batch.rejected, batch.left = outcome.unchanged, outcome.rejected, outcome.left
    batch.problems = [p.to_json() for p in outcome.problems]
    batch.problem_count = outcome.problem_count
    batch.save()
    return batch


def _run(spec: _Spec, name: str, stream, *, write: bool, on_progress=None, budget=None) -> Outcome:
    outcome = Outcome()
    try:
        table = open_table(name, stream)
    except ImportFileError as error:
        outcome.add_problems(error.problems)
        return outcome
    size = _size(stream)
    spec.headers = _file_headers(spec.kind, table.headers)
    spec.open()
    try:
        with KeyRegistry() as keys:
            if write:
                try:
                    with transaction.atomic():
                        _pass(spec, table, keys, outcome, stream, size, write, on_progress, budget)
                        if not outcome.ok:
                            raise Rollback
                except Rollback:
                    pass
            else:
                _pass(spec, table, keys, outcome, stream, size, write, on_progress, budget)
    except ImportFileError as error:  # the file turned unreadable half-way
        outcome.add_problems(error.problems)
    except ValidationError as error:  # too many rows, or too long: nothing written
        outcome.add_problems([Problem(0, "", "", error.code, dict(error.params or {}))])
    finally:
        table.close()
        spec.close()
    return outcome


def _pass(spec, table, keys, outcome: Outcome, stream, size, write, on_progress, budget) -> None:
    rows = read(KINDS[spec.kind], table)
    with _Pipeline(spec) as pipeline:
        for chunk in _chunks(rows, CHUNK):
            outcome.rows += len(chunk)
            if budget is not None:
                budget.check(outcome.rows)
            good = _good_records(spec, keys, outcome, chunk)
            step = spec.apply if write and outcome.ok else spec.classify
            _count(outcome, pipeline.wait())  # the chunk before
            if on_progress:
                on_progress(_percent(stream, size, table, outcome.rows))
            pipeline.start(step, spec.prepare(good))
        _count(outcome, pipeline.wait())
    outcome.add_problems(spec.final_problems())
    outcome.left = spec.finish(write=write and outcome.ok)


def _good_records(spec, keys, outcome: Outcome, chunk: list[Checked]) -> list:
    """A chunk's records that have no problem; the others are counted and reported."""
    ready, problems = [], []
    for checked in chunk:
        found = list(checked.problems)
        if checked.record is not None:
            found += spec.row_problems(checked)
        if found:
            outcome.rejected += 1
            problems += found
        else:
            ready.append(checked)
    items = [(spec.file_key(checked.record), checked.line) for checked in ready]
    repeated = dict(keys.add_many(items)) if items else {}
    unique = []
    for checked in ready:
        first = repeated.get(checked.line)
        if first is None:
            unique.append(checked)
        else:
            outcome.rejected += 1
            problems.append(_duplicate(spec, checked, first))
    stored = spec.stored_problems(unique) if unique else {}
    good = []
    for checked in unique:
        found = stored.get(checked.line)
        if found:
            outcome.rejected += 1
            problems += found
        else:
            good.append(checked.record)
    outcome.add_problems(sorted(problems, key=lambda problem: problem.line))
    return good


def _count(outcome: Outcome, counts: tuple[int, int, int]) -> None:
    new, changed, same = counts
    outcome.created += new
    outcome.updated += changed
    outcome.unchanged += same


class _Pipeline:
    """A chunk's database work, run while the next chunk is read.

    The database (PostgreSQL's server, SQLite's library) works without Python's lock, so
    for specs that only send SQL (`spec.concurrent`) it runs in a second thread, on this
    thread's connection and inside its transaction: one chunk at most is in flight, and
    this thread does not touch the database until `wait` has returned. Other specs run
    each step at once.
    """

    def __init__(self, spec: _Spec):
        self.db = connections[DEFAULT_DB_ALIAS]
        self.executor = ThreadPoolExecutor(1) if spec.concurrent else None
        self.pending = None

    def start(self, step: Callable[[list], tuple[int, int, int]], records: list) -> None:
        if self.executor is None:
            self.pending = step(records)
            return
        self.db.inc_thread_sharing()
        self.pending = self.executor.submit(step, records)

    def wait(self) -> tuple[int, int, int]:
        pending, self.pending = self.pending, None
        if pending is None:
            return 0, 0, 0
        if self.executor is None:
            return pending
        try:
            return pending.result()
        finally:
            self.db.dec_thread_sharing()

    def __enter__(self) -> _Pipeline:
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        try:
            if exc_type is not None and self.pending is not None:
                # let the work in flight end before the transaction is rolled back; the
                # error being raised says more than its own would
                with suppress(Exception):
                    self.wait()
        finally:
            if self.executor is not None:
                self.executor.shutdown()


def _chunks(rows: Iterator[Checked], size: int) -> Iterator[list[Checked]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _size(stream) -> int:
    try:
        position = stream.tell()
        stream.seek(0, 2)
        size = stream.tell()
        stream.seek(position)
        return size
    except (AttributeError, OSError):
        return 0


def _percent(stream, size: int, table, rows: int) -> int:
    total = getattr(table, "total_rows", None)
    if total:
        return min(99, round(100 * rows / total))
    try:
        return min(99, round(100 * stream.tell() / size)) if size else 0
    except (AttributeError, OSError, ValueError):
        return 0


def _duplicate(spec: _Spec, checked: Checked, first: int) -> Problem:
    return Problem(
        line=checked.line,
        column="",
        value=" / ".join(str(v) for v in spec.file_key(checked.record)),
        code="duplicate_key",
        params={"line": checked.line, "first_line": first},
    )


# What each kind writes ----------------------------------------------------------------


class _Spec:
    """How one kind of record is checked against the database, compared and written."""

    kind: str
    concurrent = False  # see _Pipeline

    def __init__(self, *, full_roster: bool = False, by=None, batch: ImportBatch | None = None):
        self.full_roster = full_roster
        self.by = by
        self.batch = batch
        self.headers: dict[str, str] = {}  # column key -> the file's header
        self._people: dict[str, int] | None = None

    # the people, by employee number: loaded once, the size of the staff
    @property
    def people(self) -> dict[str, int]:
        if self._people is None:
            self._people = dict(User.objects.values_list("username", "pk"))
        return self._people

    def file_key(self, record) -> tuple:
        return natural_key(KINDS[self.kind], record)

    def row_problems(self, checked: Checked) -> list[Problem]:
        number = checked.record.employee_number
        if number in self.people:
            return []
        return [
            Problem(
                line=checked.line,
                column=self.headers.get("employee_number", ""),
                value=number,
                code="unknown_employee",
                params={"line": checked.line, "value": number},
            )
        ]

    def stored_problems(self, rows: list[Checked]) -> dict[int, list[Problem]]:
        """The problems of a chunk's rows, each good on its own, against what is stored
        and the rows before them: by line. Whatever the write would refuse is found here,
        so that the check finds it."""
        return {}

    def final_problems(self) -> list[Problem]:
        """The problems of the file as a whole, once every row has been read."""
        return []

    def open(self) -> None:
        """Prepare for a pass over the file."""

    def close(self) -> None:
        """Clean up after a pass over the file."""

    def prepare(self, records: list):
        """A chunk's good records as `classify` and `apply` take them (made in the thread
        that reads the file: see _Pipeline)."""
        return records

    def classify(self, records) -> tuple[int, int, int]:
        """How many of a chunk's good records are new, changed and unchanged."""
        raise NotImplementedError

    def write(self) -> None:
        """Write the new and changed records of the chunk classified last."""
        raise NotImplementedError

    def apply(self, records) -> tuple[int, int, int]:
        """Write a chunk's good records; how many were new, changed and unchanged."""
        counts = self.classify(records)
        self.write()
        return counts

    def finish(self, *, write: bool) -> int:
        return 0


def _file_headers(kind: str, headers: list[str]) -> dict[str, str]:
    """Each column's header as the file writes it, by column key."""
    found = {}
    normalised = [(normalize_header(h), h) for h in headers if h]
    for column in KINDS[kind].columns:
        names = {normalize_header(n) for n in (column.key, column.en, column.zh, *column.aliases)}
        found[column.key] = next((h for n, h in normalised if n in names), column.en)
    return found


class _MetricSpec(_Spec):
    """Records of one model with a unique natural key, compared and written by the database.

    Each chunk of good rows is loaded into a temporary table shaped like the model's (COPY on
    PostgreSQL, one `executemany` on SQLite); one query then counts the new and the changed
    rows against the stored ones, and writing is one `INSERT ... SELECT ... ON CONFLICT
    (natural key) DO UPDATE ... WHERE changed`, the upsert PostgreSQL and SQLite share. No row
    becomes a model or a dictionary: the ORM's way costs five times the parsing of the file.
    """

    model = None
    unique: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    STAGE = "lms_import_stage"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.db = connections[DEFAULT_DB_ALIAS]  # this thread's: the pipeline's thread uses it
        opts = self.model._meta
        names = ["user_id", *(n for n in self.fields if n != "user_id")]
        fields = [opts.get_field(name) for name in names]
        self._take = attrgetter(*(n for n in names if n != "user_id"))
        self._converters = [
            (i, c) for i, f in enumerate(fields) if (c := _converter(f, self.db.ops))
        ]
        # An optional text column the file doesn't have reads None; stored as "" (the
        # column is NOT NULL), as an empty cell is.
        self._blank_text = [
            i
            for i, f in enumerate(fields)
            if isinstance(f, models.CharField | models.TextField) and not f.null
        ]
        self._columns = [field.column for field in fields] + ["batch_id"]
        self._unique = [opts.get_field(name).column for name in self.unique]
        self._compared = [c for c in self._columns[:-1] if c not in self._unique]
        self._staged = 0
        self._analysed = 0  # PostgreSQL: rows in the table when its statistics were taken
        self._since = 0  # rows written since

    @property
    def concurrent(self) -> bool:
        """PostgreSQL works in its own process; SQLite's library would share this one's
        interpreter lock with the reading, row by row, and be slower in a thread."""
        return self.db.vendor == "postgresql"

    def row(self, record) -> list:
        """A record as the stage's columns: user, the model's fields, the batch."""
        row = [self.people[record.employee_number], *self._take(record), self._batch_id]
        for index, convert in self._converters:
            if row[index] is not None:
                row[index] = convert(row[index])
        for index in self._blank_text:
            if row[index] is None:
                row[index] = ""
        return row

    @property
    def _batch_id(self):
        return self.batch.pk if self.batch else None

    def open(self) -> None:
        qn = self.db.ops.quote_name
        table = qn(self.model._meta.db_table)
        with self.db.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.STAGE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.STAGE} AS SELECT "
                f"{', '.join(qn(c) for c in self._columns)} FROM {table} WHERE 1 = 0"
            )
            if self.db.vendor == "postgresql":  # the types of a binary COPY
                cursor.execute(f"SELECT * FROM {self.STAGE} WHERE 1 = 0")
                self._types = [column.type_code for column in cursor.description]
        self._analyse()

    def _analyse(self) -> None:
        """PostgreSQL: refresh the table's statistics, so that comparing a chunk looks each
        row up by the natural key. Stale statistics (an import that has just written as many
        rows again as the table held) make the planner scan another index, a hundred times
        slower; autovacuum comes too late for the transaction writing them."""
        if self.db.vendor != "postgresql":
            return
        table = self.db.ops.quote_name(self.model._meta.db_table)
        with self.db.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
            self._analysed = max(0, int(cursor.fetchone()[0]))
        self._since = 0

    def close(self) -> None:
        with self.db.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.STAGE}")

    def prepare(self, records):
        """The rows to stage: on PostgreSQL, already as COPY's text, so that the pipeline's
        thread only waits for the server and hardly needs Python's lock."""
        return [self.row(record) for record in records]

    def classify(self, records):
        self._stage(records)
        if not records:
            return 0, 0, 0
        qn = self.db.ops.quote_name
        opts = self.model._meta
        pk = f"t.{qn(opts.pk.column)}"
        on = " AND ".join(f"t.{qn(c)} = s.{qn(c)}" for c in self._unique)
        sql = (
            f"SELECT SUM(CASE WHEN {pk} IS NULL THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN {pk} IS NOT NULL AND ({self._differs('t', 's')}) THEN 1 ELSE 0 END) "
            f"FROM {self.STAGE} s LEFT JOIN {qn(opts.db_table)} t ON {on}"
        )
        with self.db.cursor() as cursor:
            cursor.execute(sql)
            new, changed = (int(n or 0) for n in cursor.fetchone())
        return new, changed, len(records) - new - changed

    def write(self):
        if self._staged:
            with self.db.cursor() as cursor:
                cursor.execute(self._upsert())
                self._wrote(cursor.rowcount)

    def apply(self, records):
        """PostgreSQL compares and writes in one statement: the upsert says which rows it
        inserted (`xmax = 0`) and which it updated; the others were unchanged."""
        if self.db.vendor != "postgresql":
            return super().apply(records)
        self._stage(records)
        if not records:
            return 0, 0, 0
        with self.db.cursor() as cursor:
            # The keys to people and imports are checked as each chunk is written (in the
            # pipeline's thread, while the next is read), not all at the commit.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                f"WITH written AS ({self._upsert()} RETURNING (t.xmax = 0) AS created) "
                "SELECT COUNT(*) FILTER (WHERE created), COUNT(*) FILTER (WHERE NOT created) "
                "FROM written"
            )
            new, changed = cursor.fetchone()
        self._wrote(new + changed)
        return new, changed, len(records) - new - changed

    def _upsert(self) -> str:
        """Insert the staged rows, and update the stored ones that differ."""
        qn = self.db.ops.quote_name
        columns = ", ".join(qn(c) for c in self._columns)
        update = [c for c in self._columns if c not in self._unique]
        return (
            f"INSERT INTO {qn(self.model._meta.db_table)} AS t ({columns}) "
            f"SELECT {columns} FROM {self.STAGE} WHERE 1 = 1 "
            f"ON CONFLICT ({', '.join(qn(c) for c in self._unique)}) DO UPDATE SET "
            + ", ".join(f"{qn(c)} = excluded.{qn(c)}" for c in update)
            + f" WHERE {self._differs('t', 'excluded')}"
        )

    def _wrote(self, rows: int) -> None:
        self._since += rows
        if self._since > max(self._analysed, 5 * CHUNK):
            self._analyse()

    def _differs(self, old: str, new: str) -> str:
        """SQL: some compared column of `old` is not the same as in `new` (NULLs equal)."""
        qn = self.db.ops.quote_name
        op = "IS DISTINCT FROM" if self.db.vendor == "postgresql" else "IS NOT"
        return " OR ".join(f"{old}.{qn(c)} {op} {new}.{qn(c)}" for c in self._compared)

    def _stage(self, rows) -> None:
        qn = self.db.ops.quote_name
        columns = ", ".join(qn(c) for c in self._columns)
        with self.db.cursor() as cursor:
            if self.db.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {self.STAGE}")
                copy_sql = f"COPY {self.STAGE} ({columns}) FROM STDIN (FORMAT BINARY)"
                with cursor.cursor.copy(copy_sql) as copy:
                    copy.set_types(self._types)  # binary: values dumped by psycopg's C code
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.execute(f"DELETE FROM {self.STAGE}")
                placeholders = ", ".join(["%s"] * len(self._columns))
                cursor.executemany(
                    f"INSERT INTO {self.STAGE} ({columns}) VALUES ({placeholders})", rows
                )
        self._staged = len(rows)


def _converter(field, ops):
    """How a value reaches the database driver, where the driver's own adaptation is not
    Django's: times in UTC on SQLite (a time without a zone is the site's local time),
    decimals and dates as the backend stores them."""
    if isinstance(field, models.DateTimeField):
        return lambda value: ops.adapt_datetimefield_value(
            timezone.make_aware(value) if timezone.is_naive(value) else value
        )
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        return lambda value: ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places
        )
    return None


class _ByReference(_MetricSpec):
    unique = ("reference",)


class SurveySpec(_ByReference):
    kind = ImportKind.SURVEYS
    model = SurveyResult
    fields = ("reference", "date", "source", "score", "scale", "comment")


class ComplaintSpec(_ByReference):
    kind = ImportKind.COMPLAINTS
    model = Complaint
    fields = (
        "reference",
        "received_at",
        "category",
        "company_at_fault",
        "first_contact_at",
        "resolved_at",
        "outcome",
        "handler",
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._handler = 1 + self.fields.index("handler")  # after the person

    def row_problems(self, checked: Checked) -> list[Problem]:
        """The person complained about and the handler must both be on the staff."""
        problems = super().row_problems(checked)
        number = checked.record.handler
        if number is not None and number not in self.people:
            problems.append(
                Problem(
                    line=checked.line,
                    column=self.headers.get("handler", ""),
                    value=number,
                    code="unknown_employee",
                    params={"line": checked.line, "value": number},
                )
            )
        return problems

    def row(self, record) -> list:
        row = super().row(record)
        if (number := row[self._handler]) is not None:
            row[self._handler] = self.people[number]
        return row


class EfficiencySpec(_MetricSpec):
    kind = ImportKind.EFFICIENCY
    model = EfficiencyRecord
    unique = ("user_id", "period_start", "period_end")
    fields = ("period_start", "period_end", *EFFICIENCY_FIELDS)


class TeamworkSpec(_MetricSpec):
    kind = ImportKind.TEAMWORK
    model = TeamworkEvaluation
    unique = ("user_id", "date", "source", "evaluator")
    fields = ("date", "source", "evaluator", "score", "max_score", "comment")


class RosterSpec(_Spec):
    """Accounts and profiles, through the staff services (audited, onboarding on create)."""

    kind = ImportKind.ROSTER

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen: set[str] = set()  # employee numbers in the file: the size of the staff
        self.emails: dict[str, tuple[int, str]] = {}  # e-mail -> (line, employee number)
        self.units: dict[tuple[str, ...], OrgUnit] | None = None
        self.company: OrgUnit | None = None
        # Who the rows act for: the person who uploaded the file and the one writing it.
        # Neither (the command line) is the operator, who may change any account.
        importer = self.batch.uploaded_by if self.batch is not None else None
        self.actors = list({user.pk: user for user in (importer, self.by) if user}.values())

    def _load_units(self) -> None:
        units = list(OrgUnit.objects.order_by("path"))
        by_path = {unit.path: unit for unit in units}
        self.units = {}
        for unit in units:
            names = tuple(
                by_path[unit.path[:end]].name
                for end in range(OrgUnit.steplen, len(unit.path) + 1, OrgUnit.steplen)
            )
            self.units[names[1:]] = unit  # below the company
            if len(names) == 1 and self.company is None:
                self.company = unit

    def unit_path(self, path: tuple[str, ...]) -> tuple[str, ...]:
        if self.units is None:
            self._load_units()
        if self.company is not None and path and path[0] == self.company.name:
            return path[1:]
        return path

    def row_problems(self, checked):
        record = checked.record
        problems = []
        path = self.unit_path(record.org_unit_path)
        if self.company is None or len(path) > len(CHILD_KIND):
            problems.append(
                Problem(
                    line=checked.line,
                    column=self.headers.get("org_unit_path", ""),
                    value="/".join(record.org_unit_path),
                    code="org_unit_depth",
                    params={"line": checked.line, "levels": len(CHILD_KIND)},
                )
            )
        return problems

    def file_key(self, record):
        self.seen.add(record.employee_number)
        return (record.employee_number,)

    def stored_problems(self, rows):
        """E-mail addresses another person uses (stored, or on an earlier line), employee
        numbers of accounts without a staff record, and changes to accounts the importer
        may not make (`lms.permissions.may_manage_account`)."""
        numbers = [checked.record.employee_number for checked in rows]
        profiles = {
            p.user.username: p
            for p in StaffProfile.objects.filter(user__username__in=numbers).select_related(
                "user", "org_unit"
            )
        }
        bare = set(
            User.objects.filter(username__in=numbers, profile__isnull=True).values_list(
                "username", flat=True
            )
        )
        wanted = {_email(checked.record) for checked in rows} - {None, ""}
        holders = dict(
            User.objects.annotate(address=Lower("email"))
            .filter(address__in=wanted)
            .values_list("address", "username")
        ) if wanted else {}  # fmt: skip
        found: dict[int, list[Problem]] = {}
        for checked in rows:
            problems = self._row_against_store(checked, profiles, bare, holders)
            if problems:
                found[checked.line] = problems
        return found

    def _row_against_store(self, checked, profiles, bare, holders) -> list[Problem]:
        record, line = checked.record, checked.line
        number = record.employee_number

        def problem(key: str, value: str, code: str, **params) -> Problem:
            column = self.headers.get(key, "") if key else ""
            return Problem(line, column, value, code, {"line": line, **params})

        if number in bare:
            return [problem("employee_number", number, "account_without_profile")]
        problems = []
        email = _email(record)
        if email:
            holder = holders.get(email)
            first = self.emails.setdefault(email, (line, number))
            if holder is not None and holder != number:
                problems.append(problem("email", record.email, "email_taken"))
            elif first[1] != number:
                problems.append(
                    problem("email", record.email, "email_repeated", first_line=first[0])
                )
        profile = profiles.get(number)
        roles = DEFAULT_ROLES.get(record.position, ())
        if profile is None and not all(may_give_roles(actor, roles) for actor in self.actors):
            problems.append(problem("position", record.position, "account_protected_new"))
        if profile is not None and self.actors:
            changes = self._changes(profile, record)
            touched = [key for key in ("email", "status") if key in changes]
            if touched and not all(may_manage_account(a, profile.user) for a in self.actors):
                problems.append(problem(touched[0], number, "account_protected"))
        return problems

    def final_problems(self):
        """A full roster marks everyone missing from it as left: refused for the accounts
        the importer may not mark so."""
        if not self.full_roster or not self.actors:
            return []
        return [
            Problem(0, "", str(profile), "account_protected_missing", {})
            for profile in self._missing().select_related("user")
            if not all(may_manage_account(actor, profile.user) for actor in self.actors)
        ]

    def _missing(self):
        """The active staff missing from the file, but never those importing it."""
        missing = StaffProfile.objects.filter(status=StaffStatus.ACTIVE).exclude(
            user__username__in=self.seen
        )
        return missing.exclude(user__in=[actor.pk for actor in self.actors])

    def classify(self, records):
        numbers = [r.employee_number for r in records]
        profiles = {
            p.user.username: p
            for p in StaffProfile.objects.filter(user__username__in=numbers).select_related(
                "user", "org_unit"
            )
        }
        new, changed, same = [], [], 0
        for record in records:
            profile = profiles.get(record.employee_number)
            if profile is None:
                new.append(record)
            elif self._changes(profile, record):
                changed.append((profile, record))
            else:
                same += 1
        self._new, self._changed = new, changed
        return len(new), len(changed), same

    def _changes(self, profile: StaffProfile, record) -> dict:
        unit = self.units.get(self.unit_path(record.org_unit_path))
        wanted = {
            "full_name": record.full_name,
            "org_unit": unit,
            "position": record.position,
            "hire_date": record.hire_date,
        }
        # without a phone or an e-mail column, what is stored stays
        if record.phone is not None:
            wanted["phone"] = record.phone
        if record.email is not None:
            wanted["email"] = _email(record)
        current = {
            "full_name": profile.full_name,
            "org_unit": profile.org_unit,
            "position": profile.position,
            "hire_date": profile.hire_date,
            "phone": profile.phone,
            "email": profile.user.email,
        }
        changes = {name: value for name, value in wanted.items() if current[name] != value}
        if record.status != profile.status:
            changes["status"] = record.status
        return changes

    def _unit(self, path: tuple[str, ...]) -> OrgUnit:
        """The unit at `path` below the company, created (with its parents) if missing."""
        path = self.unit_path(path)
        if not path:  # the company itself: head office
            return self.company
        unit = self.units.get(path)
        if unit is not None:
            return unit
        parent = self._unit(path[:-1]) if len(path) > 1 else self.company
        digest = hashlib.sha1("/".join(path).encode(), usedforsecurity=False).hexdigest()
        code = f"u-{digest[:12]}"
        taken = set(
            OrgUnit.objects.filter(code__startswith=code).values_list("code", flat=True)
        )  # by a unit renamed since an import made it: the new one takes the next free code
        code = next(c for n in range(1, len(taken) + 2) if (c := _numbered(code, n)) not in taken)
        unit = orgunit_add(
            parent=OrgUnit.objects.get(pk=parent.pk), name=path[-1], code=code, by=self.by
        )
        self.units[path] = unit
        return unit

    def write(self):
        today = timezone.localdate()
        for record in self._new:
            profile = staff_create(
                employee_number=record.employee_number,
                full_name=record.full_name,
                org_unit=self._unit(record.org_unit_path),
                position=record.position,
                hire_date=record.hire_date,
                email=record.email or "",
                phone=record.phone or "",
                by=self.by,
            )
            if record.status == StaffStatus.LEFT:
                staff_mark_left(profile=profile, on=record.left_on or today, by=self.by)
        for profile, record in self._changed:
            changes = self._changes(profile, record)
            status = changes.pop("status", None)
            if "org_unit" in changes:
                changes["org_unit"] = self._unit(record.org_unit_path)
            if changes:
                staff_update(profile=profile, by=self.by, **changes)
            if status == StaffStatus.LEFT:
                staff_mark_left(profile=profile, on=record.left_on or today, by=self.by)
            elif status == StaffStatus.ACTIVE:
                staff_reinstate(profile=profile, by=self.by)

    def finish(self, *, write):
        if not self.full_roster:
            return 0
        missing = self._missing()  # a roster never locks out the person importing it
        if not write:
            return missing.count()
        today = timezone.localdate()
        left = 0
        for profile in missing.select_related("user"):
            staff_mark_left(profile=profile, on=today, by=self.by)
            left += 1
        return left


def _email(record) -> str | None:
    """A roster record's e-mail address as stored (in lower case), None without the column."""
    return None if record.email is None else record.email.strip().lower()


def _numbered(code: str, n: int) -> str:
    return code if n == 1 else f"{code}-{n}"


_SPECS: dict[str, type[_Spec]] = {
    ImportKind.ROSTER: RosterSpec,
    ImportKind.SURVEYS: SurveySpec,
    ImportKind.COMPLAINTS: ComplaintSpec,
    ImportKind.EFFICIENCY: EfficiencySpec,
    ImportKind.TEAMWORK: TeamworkSpec,
}
