"""Importing operational data: check a whole file, then write it, or nothing.

The pure layer (`assessments.imports`) reads the file and checks each row on its
own; this module adds what needs the database (employee numbers, keys already
stored) and writes.

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
from dataclasses import dataclass, field
from itertools import islice

from django.core.cache import cache
from django.core.files.base import File
from django.db import connection, models, transaction
from django.utils import timezone

from assessments.imports.keys import KeyRegistry
from assessments.imports.kinds import KINDS, Checked, normalize_header, read
from assessments.imports.problems import ImportFileError, Problem
from assessments.imports.readers import open_table
from assessments.models import (
    Complaint,
    EfficiencyRecord,
    ImportBatch,
    ImportKind,
    ImportState,
    SurveyResult,
    TeamworkEvaluation,
)
from assessments.models.metrics import EFFICIENCY_FIELDS
from lms.audit import audit_record
from lms.models import OrgUnit, StaffProfile, StaffStatus, User
from lms.models.audit import AuditAction
from lms.models.org import CHILD_KIND
from lms.services import (
    orgunit_add,
    staff_create,
    staff_mark_left,
    staff_reinstate,
    staff_update,
)

CHUNK = 2000
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


def batch_create(*, kind: str, name: str, stream, by=None, full_roster: bool = False):
    """Keep an uploaded file as a new import, hashing it as it is stored."""
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
    )
    batch.file.save(name, File(stream, name=name), save=False)
    batch.save()
    return batch


# Progress -----------------------------------------------------------------------------


def _progress_key(batch_id: int) -> str:
    return f"import-progress:{batch_id}"


def progress_of(batch: ImportBatch) -> int:
    """Percent of the file read by the step running now."""
    if batch.state not in (ImportState.CHECKING, ImportState.IMPORTING):
        return 100
    return cache.get(_progress_key(batch.pk), 0)


# Checking and importing --------------------------------------------------------------


def batch_check(batch: ImportBatch) -> ImportBatch:
    """Read the whole file and say what importing it would do; writes nothing else."""
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportState.CHECKING)
    outcome = _guarded(batch, write=False)
    state = ImportState.CHECKED if outcome.ok else ImportState.REJECTED
    return _finish(batch, outcome, state)


def batch_apply(batch: ImportBatch, *, by=None) -> ImportBatch:
    """Import a checked file: every row, or none if any is wrong now."""
    claimed = ImportBatch.objects.filter(pk=batch.pk, state=ImportState.CHECKED).update(
        state=ImportState.IMPORTING, imported_by=by
    )
    if not claimed:  # imported already, or being imported by another request
        return ImportBatch.objects.get(pk=batch.pk)
    batch.refresh_from_db()
    outcome = _guarded(batch, write=True, by=by)
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
    return batch


def batch_cancel(batch: ImportBatch) -> bool:
    return bool(
        ImportBatch.objects.filter(
            pk=batch.pk, state__in=[ImportState.CHECKED, ImportState.REJECTED]
        ).update(state=ImportState.CANCELLED)
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


def _guarded(batch: ImportBatch, *, write: bool, by=None, on_progress=None) -> Outcome:
    """Run a batch's file; an unexpected failure marks the batch failed and is raised."""
    key = _progress_key(batch.pk)

    def progress(percent: int) -> None:
        cache.set(key, percent, PROGRESS_TIMEOUT)
        if on_progress:
            on_progress(percent)

    spec = _SPECS[batch.kind](full_roster=batch.full_roster, by=by, batch=batch)
    try:
        with batch.file.open("rb") as stream:
            return _run(spec, batch.file_name, stream, write=write, on_progress=progress)
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


def _run(spec: _Spec, name: str, stream, *, write: bool, on_progress=None) -> Outcome:
    outcome = Outcome()
    try:
        table = open_table(name, stream)
    except ImportFileError as error:
        outcome.add_problems(error.problems)
        return outcome
    size = _size(stream)
    spec.headers = _file_headers(spec.kind, table.headers)
    try:
        with KeyRegistry() as keys:
            if write:
                try:
                    with transaction.atomic():
                        _pass(spec, table, keys, outcome, stream, size, write, on_progress)
                        if not outcome.ok:
                            raise Rollback
                except Rollback:
                    pass
            else:
                _pass(spec, table, keys, outcome, stream, size, write, on_progress)
    except ImportFileError as error:  # the file turned unreadable half-way
        outcome.add_problems(error.problems)
    finally:
        table.close()
    return outcome


def _pass(spec, table, keys, outcome: Outcome, stream, size, write, on_progress) -> None:
    rows = read(KINDS[spec.kind], table)
    for chunk in _chunks(rows, CHUNK):
        outcome.rows += len(chunk)
        good: list[tuple[int, object]] = []
        for checked in chunk:
            problems = list(checked.problems)
            if checked.record is not None:
                problems += spec.row_problems(checked)
            if not problems:
                first = keys.add(spec.file_key(checked.record), checked.line)
                if first is not None:
                    problems.append(_duplicate(spec, checked, first))
            if problems:
                outcome.rejected += 1
                outcome.add_problems(problems)
            else:
                good.append((checked.line, checked.record))
        new, changed, same = spec.classify([record for _line, record in good])
        outcome.created += len(new)
        outcome.updated += len(changed)
        outcome.unchanged += same
        if write and outcome.ok:
            spec.write(new, changed)
        if on_progress:
            on_progress(_percent(stream, size, table, outcome.rows))
    left = spec.finish(write=write and outcome.ok)
    outcome.left = left


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
        return tuple(getattr(record, name) for name in KINDS[self.kind].key)

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

    def classify(self, records: list) -> tuple[list, list, int]:
        raise NotImplementedError

    def write(self, new: list, changed: list) -> None:
        raise NotImplementedError

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
    """Records of one model with a unique natural key, written in bulk."""

    model = None
    unique: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()

    def values(self, record) -> dict:
        """The model's field values for a record (user resolved)."""
        data = {name: getattr(record, name) for name in self.fields if hasattr(record, name)}
        data["user_id"] = self.people[record.employee_number]
        return data

    def db_key(self, values: dict) -> tuple:
        return tuple(values[name] for name in self.unique)

    def existing(self, keys: list[tuple]) -> dict[tuple, dict]:
        """The stored rows with these natural keys: one query, narrowed by each key field."""
        wanted = set(keys)
        narrowed = {f"{name}__in": {key[i] for key in keys} for i, name in enumerate(self.unique)}
        found = {}
        for row in self.model.objects.filter(**narrowed).values(
            *dict.fromkeys(("user_id", *self.unique, *self.fields))
        ):
            key = self.db_key(row)
            if key in wanted:
                found[key] = row
        return found

    def classify(self, records):
        rows = [self.values(record) for record in records]
        stored = self.existing([self.db_key(row) for row in rows]) if rows else {}
        new, changed, same = [], [], 0
        compared = [name for name in (*self.fields, "user_id") if name not in self.unique]
        for row in rows:
            old = stored.get(self.db_key(row))
            if old is None:
                new.append(row)
            elif any(old[name] != row[name] for name in compared):
                changed.append(row)
            else:
                same += 1
        return new, changed, same

    def write(self, new, changed):
        """Insert the new rows and update the changed ones, in one statement per chunk.

        `INSERT ... ON CONFLICT (natural key) DO UPDATE`, the upsert that PostgreSQL and
        SQLite share, sent with `executemany` (psycopg pipelines it): the ORM's
        bulk_create builds a model and prepares every value through its fields, which
        costs five times the parsing of the file.
        """
        rows = new + changed
        if not rows:
            return
        sql, prepare = self._upsert()
        batch_id = self.batch.pk if self.batch else None
        params = [
            [convert(row[name]) if convert else row[name] for name, convert in prepare]
            + [batch_id]
            for row in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)

    def _upsert(self):
        if getattr(self, "_sql", None) is None:
            opts = self.model._meta
            qn = connection.ops.quote_name
            names = ["user_id", *(n for n in self.fields if n != "user_id")]
            fields = [opts.get_field(name) for name in names]
            prepare = [
                (name, _converter(field)) for name, field in zip(names, fields, strict=True)
            ]
            columns = [field.column for field in fields] + ["batch_id"]
            unique = [opts.get_field(name).column for name in self.unique]
            update = [c for c in columns if c not in unique]
            self._sql = (
                f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(c) for c in columns)}) "
                f"VALUES ({', '.join(['%s'] * len(columns))}) "
                f"ON CONFLICT ({', '.join(qn(c) for c in unique)}) DO UPDATE SET "
                + ", ".join(f"{qn(c)} = EXCLUDED.{qn(c)}" for c in update)
            )
            self._prepare = prepare
        return self._sql, self._prepare


def _converter(field):
    """How a value reaches the database driver, where the driver's own adaptation is not
    Django's: times in UTC on SQLite, decimals and dates as the backend stores them."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
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
    )

    def values(self, record):
        data = super().values(record)
        for name in ("received_at", "first_contact_at", "resolved_at"):
            if data[name] is not None and timezone.is_naive(data[name]):
                data[name] = timezone.make_aware(data[name])
        return data


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
        self.units: dict[tuple[str, ...], OrgUnit] | None = None
        self.company: OrgUnit | None = None

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
        return new, changed, same

    def _changes(self, profile: StaffProfile, record) -> dict:
        unit = self.units.get(self.unit_path(record.org_unit_path))
        wanted = {
            "full_name": record.full_name,
            "org_unit": unit,
            "position": record.position,
            "hire_date": record.hire_date,
            "phone": record.phone or "",
            "email": (record.email or "").lower(),
        }
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
        unit = orgunit_add(
            parent=OrgUnit.objects.get(pk=parent.pk), name=path[-1], code=f"u-{digest[:12]}",
            by=self.by,
        )  # fmt: skip
        self.units[path] = unit
        return unit

    def write(self, new, changed):
        today = timezone.localdate()
        for record in new:
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
        for profile, record in changed:
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
        missing = StaffProfile.objects.filter(status=StaffStatus.ACTIVE).exclude(
            user__username__in=self.seen
        )
        if self.by is not None:  # a roster never locks out the person importing it
            missing = missing.exclude(user=self.by)
        if not write:
            return missing.count()
        today = timezone.localdate()
        left = 0
        for profile in missing.select_related("user"):
            staff_mark_left(profile=profile, on=today, by=self.by)
            left += 1
        return left


_SPECS: dict[str, type[_Spec]] = {
    ImportKind.ROSTER: RosterSpec,
    ImportKind.SURVEYS: SurveySpec,
    ImportKind.COMPLAINTS: ComplaintSpec,
    ImportKind.EFFICIENCY: EfficiencySpec,
    ImportKind.TEAMWORK: TeamworkSpec,
}
