"""A large cycle computed in parts, each in a process of its own, on PostgreSQL.

Loading a person's records and scoring them is Python's work, one core's, and storing the
results is PostgreSQL's, another's. So `assessments.cycles` splits a large cycle's people,
by user id, into as many parts as there are cores (at most MAX_PARTS): each part is loaded
and scored by a forked child process, which sends its results, already in COPY's text
format, through a pipe. The parent stores them all in its own transaction, by COPY, as
they come: the computation stays one transaction, all or nothing, with the cycle's row
locked; a part that fails fails the whole, and the previous results stay as they were.

A child never touches the parent's database connection (a forked socket is still the
parent's session: a word on it, even a goodbye, would be in the parent's name). It opens
its own, whose transaction imports the parent's snapshot (`pg_export_snapshot`), so that
every part reads exactly what the parent's transaction reads. Only what the parent's
caller wrote and has not committed could not be seen that way: parts are only used when
the computation's transaction is the outermost one (not in a test's transaction, say).

The results' foreign keys, which PostgreSQL would check all at the commit (half a second
for 50,000 results, with nothing else left to do), are checked at the end of each COPY of
BATCH results instead, while the children go on scoring: a thread of the parent keeps
reading what they send meanwhile, so that they never wait.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
import traceback
from contextlib import suppress
from multiprocessing.connection import Connection, wait
from queue import SimpleQueue
from threading import Thread

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from assessments.cycles import storage
from assessments.cycles.inputs import cycle_inputs
from assessments.models.cycles import AssessmentResult

MAX_PARTS = 4


# Results a COPY stores before the next: the foreign keys are checked at its end.
BATCH = 5000


# Fewer people are computed faster in one process than the parts take to start.
MIN_PEOPLE_PER_PART = 2000


DATA, DONE, FAILED = b"D", b"R", b"E"


_SNAPSHOT = re.compile(r"[0-9A-Fa-f-]+")


# The parent's connection, in a child: kept, never closed nor collected, as it is not the
# child's to end.
_INHERITED: list = []


def parts(profiles: list[tuple]) -> list[list[tuple]] | None:
    """`profiles` (by user id) in runs of consecutive people, one per part to compute in a
    process of its own; None when one process is better (one core, too few people for the
    parts to pay) or the only way (not PostgreSQL, no fork, a pool of connections)."""
    if connection.vendor != "postgresql" or not hasattr(os, "fork"):
        return None
    if connection.settings_dict.get("OPTIONS", {}).get("pool"):
        return None  # a forked child would find the parent's connections in Django's pool
    count = min(_cores(), MAX_PARTS, len(profiles) // MIN_PEOPLE_PER_PART)
    if count < 2:
        return None
    size = -(-len(profiles) // count)
    return [profiles[i : i + size] for i in range(0, len(profiles), size)]


def _cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class PartFailed(RuntimeError):
    """A part of the cycle could not be computed: nothing of the computation is kept."""


def compute(cycle, policy, runs: list[list[tuple]], now, on_progress) -> float:
    """Replace the cycle's results by those of `runs`, each computed by a child process,
    in the current transaction; when the last part finished loading (perf_counter)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
    children: dict[Connection, int] = {}
    received: SimpleQueue = SimpleQueue()
    reading = Thread(target=_receive, args=(children, received), name="cycle parts")
    stored = False
    try:
        for run in runs:
            reader, writer = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: never returns
                os.close(reader)
                _child(cycle, policy, run, now, snapshot, writer)
            os.close(writer)
            children[Connection(reader, writable=False)] = pid
        reading.start()
        AssessmentResult.objects.filter(cycle=cycle).delete()
        loaded = _store(received, sum(map(len, runs)), on_progress)
        stored = True
        return loaded
    finally:
        for pid in children.values():
            if not stored:  # nothing more of them is wanted
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        if reading.is_alive():
            reading.join()  # the children's ends are closed: it reads to the end
        for reader in children:
            reader.close()


def _receive(children: dict[Connection, int], received: SimpleQueue) -> None:
    """In a thread of the parent: pass on what the children send, as it comes, whatever the
    parent is doing (its database checking a batch), so that they never wait for it; then
    when the last part finished loading (a float), or what went wrong (an exception)."""
    loaded = 0.0
    try:
        waiting = dict(children)
        while waiting:
            for reader in wait(list(waiting)):
                try:
                    message = reader.recv_bytes()
                except EOFError:
                    received.put(PartFailed(f"A part of the cycle ended ({waiting[reader]})"))
                    return
                kind = message[:1]
                if kind == DATA:
                    received.put(message)
                elif kind == DONE:
                    loaded = max(loaded, json.loads(message[1:])["loaded"])
                    del waiting[reader]
                else:
                    received.put(PartFailed(message[1:].decode()))
                    return
        received.put(loaded)
    except BaseException as error:  # the parent raises it
        received.put(error)


def _store(received: SimpleQueue, total: int, on_progress) -> float:
    """COPY the results received, in batches of BATCH: with the results' foreign keys
    checked at each batch's end rather than all at the commit, the database checks them
    while the children still compute; when the last part finished loading."""
    table = AssessmentResult._meta.db_table
    done = reported = 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'"
            " AND condeferrable AND condeferred",
            [connection.ops.quote_name(table)],
        )
        keys = ", ".join(connection.ops.quote_name(name) for (name,) in cursor.fetchall())
        if keys:
            cursor.execute(f"SET CONSTRAINTS {keys} IMMEDIATE")
        item = None
        while not isinstance(item, float):
            with cursor.cursor.copy(storage.copy_statement()) as copy:
                batch = 0
                while batch < BATCH:
                    item = received.get()
                    if isinstance(item, BaseException):
                        raise item
                    if isinstance(item, float):
                        break
                    copy.write(memoryview(item)[1:])
                    rows = item.count(b"\n")  # a row a line: COPY escapes the others
                    batch += rows
                    done += rows
                    if on_progress and (percent := 90 * done // total) != reported:
                        reported = percent
                        on_progress(percent)
        if keys:
            cursor.execute(f"SET CONSTRAINTS {keys} DEFERRED")
    if done != total:
        raise PartFailed(f"The parts stored {done} results of {total}")
    return item


class _Sender:
    """A file, for psycopg's COPY formatter, whose writes go to the parent."""

    def __init__(self, out: Connection):
        self.send = out.send_bytes

    def write(self, data) -> None:
        self.send(DATA + data)


def _child(cycle, policy, run, now, snapshot: str, fd: int) -> None:
    """In the child process: load and score `run`, send the results, and exit, whatever
    happens (its stack is the parent's: nothing may return into it)."""
    code, own = 1, None
    try:
        out = Connection(fd, readable=False)
        try:
            inherited = connections[DEFAULT_DB_ALIAS]
            _INHERITED.append(inherited)
            # The same database as the parent's (a test's, say), on a connection of its own.
            own = type(inherited)(inherited.settings_dict, DEFAULT_DB_ALIAS)
            connections[DEFAULT_DB_ALIAS] = own
            loaded = _part(cycle, policy, run, now, snapshot, out)
            out.send_bytes(DONE + json.dumps({"loaded": loaded}).encode())
            code = 0
        except BaseException:
            out.send_bytes(FAILED + traceback.format_exc().encode())
        finally:
            if own is not None:  # never the inherited one
                own.close()
    finally:
        os._exit(code)


def _part(cycle, policy, run, now, snapshot: str, out: Connection) -> float:
    """Load and score the people of `run` as the parent's transaction sees them, the
    results sent to `out`; when the loading ended (perf_counter, the same clock in every
    process)."""
    import psycopg
    from psycopg.copy import FileWriter

    if not _SNAPSHOT.fullmatch(snapshot):
        raise ValueError(f"Not a snapshot: {snapshot!r}")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        people, places = cycle_inputs(cycle, run)
        loaded = time.perf_counter()
        encode = storage.copy_encoder()
        with (
            connection.cursor() as cursor,
            psycopg.Copy(cursor.cursor, writer=FileWriter(_Sender(out))) as copy,
        ):
            write_row = copy.write_row
            for row in storage.result_rows(cycle, policy, people, places, now):
                write_row(encode(row))
    return loaded
