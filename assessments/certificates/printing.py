"""Printing certificates: the stored PDFs of many certificates joined into one, for the printer.

A certificate's PDF is rendered once, when it is issued; printing never renders it again: the
pages of the stored files are copied, in print order (org unit, then employee number), into
one PDF by qpdf (through pikepdf), each file's embedded fonts with it. A certificate not
rendered yet is rendered first, once, by `assessments.certificates.pdf.certificates_render`
(twenty at a time, as the rendering tasks do).

Small batches are joined at once for the request (`print_now`); large ones by a print job in
the background (`print_job_create`, then `print_tasks.print_certificates` runs
`print_job_run`), its percent in the cache for the page (`print_job_progress`), the joined
PDF kept in private storage for `LMS_PRINT_JOB_DAYS` days (`print_jobs_tidy`, in the daily
certificate run), then removed. Every print is in the audit log.

Speed (two busy cores, 1,000 rendered assessment certificates of ~29 KB): about 1.9 s with
pikepdf; pypdf, pure Python, took 10.7 s, most of it parsing each file's object stream
(the tagged PDF's structure tree) that a printout does not need. The joined PDF is for the
printer: unlike the certificates themselves, it is neither tagged nor PDF/A.
"""

from __future__ import annotations

import datetime
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO
from urllib.parse import quote

import pikepdf
from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.utils import timezone

from assessments.models.certificates import Certificate
from assessments.models.cycles import AssessmentCycle
from assessments.models.printing import PrintJob, PrintJobState
from lms.audit import audit_record
from lms.models.audit import AuditAction
from lms.models.org import OrgUnit
from lms.platform import jobs

# Batches up to this size are joined at once, for the request; larger ones in the background.
SMALL_BATCH = 20


# At most this many in one PDF from the pages (about 150 MB, held in memory while joined).
MAX_BATCH = 5000


PROGRESS_TIMEOUT = 3600


_CHUNK = 500


# A job still waiting or running after this long was never taken by a task worker, or its
# worker died: it is marked failed, so that the page stops waiting.
STALLED_AFTER = datetime.timedelta(hours=24)


STALLED = "no task worker finished the job within a day"


def print_filters(
    *,
    cycle: AssessmentCycle | None = None,
    unit: OrgUnit | None = None,
    ids: list[int] | None = None,
    unprinted: bool = False,
) -> dict:
    """What chose the certificates, as plain JSON for the job and the audit log."""
    filters: dict = {"unprinted": True} if unprinted else {}
    if cycle is not None:
        filters.update(cycle_id=cycle.pk, cycle=cycle.name)
    if unit is not None:
        filters.update(org_unit_id=unit.pk, org_unit="/".join(unit.full_path_names()))
    if ids is not None:
        filters["selection"] = len(ids)
    return filters


# What a file name may not hold on Windows, macOS or Linux (and the control characters).
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def print_filename(filters: dict, when: datetime.datetime | None = None) -> tuple[str, str]:
    """The printout's file name from what chose it, e.g. "证书-2026年第三季度-上海浦东站.pdf"
    (the cycle without its trailing 考核, the unit's own name), and a plain ASCII name for
    clients that cannot read the other ("certificates-cycle-3-unit-12.pdf"). Pure."""
    cycle = _safe(str(filters.get("cycle") or "")).removesuffix("考核").strip()
    unit = _safe(str(filters.get("org_unit") or "").split("/")[-1])
    parts, ascii_parts = ["证书"], ["certificates"]
    if cycle:
        parts.append(cycle)
        ascii_parts.append(f"cycle-{filters.get('cycle_id')}")
    if unit:
        parts.append(unit)
        ascii_parts.append(f"unit-{filters.get('org_unit_id')}")
    if len(parts) == 1:  # chosen one by one: named by when they were printed
        stamp = f"{timezone.localtime(when or timezone.now()):%Y%m%d-%H%M}"
        parts.append(stamp)
        ascii_parts.append(stamp)
    return "-".join(parts)[:150] + ".pdf", "-".join(ascii_parts) + ".pdf"


def _safe(text: str) -> str:
    return " ".join(_UNSAFE_IN_NAME.sub(" ", text).split())


def content_disposition(filters: dict, *, inline: bool = False, when=None) -> str:
    """The Content-Disposition header of a printout: its ASCII name in `filename=` for old
    clients and the real one, UTF-8 and percent-encoded (RFC 6266, RFC 5987), in
    `filename*=`."""
    name, ascii_name = print_filename(filters, when)
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _rendered(certificates: Iterable[Certificate]) -> Iterator[Certificate]:
    """The certificates, each rendered first if it is not yet (by RENDER_BATCH at a time,
    laid out together as the rendering tasks do)."""
    from assessments.certificates.pdf import certificates_render, render_batches

    for batch in render_batches(certificates):
        yield from certificates_render(batch)


def merge_certificates(
    certificates: Iterable[Certificate],
    out: IO[bytes],
    *,
    total: int,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Write the certificates' stored PDFs, in the order given, into `out` as one PDF;
    the number of certificates joined. Progress: 0-90 while reading, 100 when written."""
    merged = pikepdf.new()
    # Each file is read whole into memory and kept open until the joined PDF is written
    # (its pages' streams are read from it then): no file stays open meanwhile.
    sources = []
    step = max(1, total // 50)
    for done, certificate in enumerate(_rendered(certificates), 1):
        with certificate.pdf.open("rb") as file:
            source = pikepdf.open(io.BytesIO(file.read()))
        sources.append(source)
        merged.pages.extend(source.pages)
        if on_progress and done % step == 0:
            on_progress(min(90, 90 * done // max(total, 1)))
    count = len(sources)
    if count:
        merged.docinfo["/Title"] = f"{count} certificates"
        merged.save(out)
    for source in sources:
        source.close()
    if on_progress:
        on_progress(100)
    return count


def mark_printed(ids: list[int], when: datetime.datetime | None = None) -> None:
    """The certificates `ids` were joined into a printout (those revoked meanwhile were left
    out of it): no longer "to print"."""
    when = when or timezone.now()
    for start in range(0, len(ids), _CHUNK):
        Certificate.objects.filter(
            pk__in=ids[start : start + _CHUNK], revoked_at__isnull=True
        ).update(printed_at=when)


def _audit(*, by, count: int, filters: dict, target=None) -> None:
    audit_record(
        action=AuditAction.CERTIFICATE_PRINTED,
        actor=by,
        actor_label="" if by is not None else "manage.py print_certificates",
        target=target,
        details={"count": count, "filter": filters},
    )


# Print jobs (large batches, in the background) --------------------------------------------


def _progress_key(job_id: int) -> str:
    return f"print-job-progress:{job_id}"


def progress_reporter(job: PrintJob) -> Callable[[int], None]:
    def report(percent: int) -> None:
        cache.set(_progress_key(job.pk), percent, PROGRESS_TIMEOUT)

    return report


def print_job_progress(job: PrintJob) -> int | None:
    """Percent done of a job whose task waits or runs (a hint kept in the cache); None when it
    is finished, or its task is no longer alive (`print_job_stuck`)."""
    if job.finished or not jobs.is_alive(job.task_id):
        return None
    percent = cache.get(_progress_key(job.pk))
    return job.percent if percent is None else percent


def print_job_stuck(job: PrintJob) -> bool:
    """Waiting or running, but no task waits or runs for it (its worker was lost)."""
    return not job.finished and not jobs.is_alive(job.task_id)


# What the failure of a job starts with when its task was given up (`print_job_given_up`).
GIVEN_UP = "given up: "


def print_job_given_up(job_id: int, reason: str) -> bool:
    """The job's task will not run again: a job still waiting or running is failed."""
    return bool(
        PrintJob.objects.filter(
            pk=job_id, state__in=[PrintJobState.QUEUED, PrintJobState.RUNNING]
        ).update(
            state=PrintJobState.FAILED,
            failure=(GIVEN_UP + reason)[:2000],
            finished_at=timezone.now(),
        )
    )


def print_job_restart(job: PrintJob) -> bool:
    """Put a failed (or stuck) job back in the queue's hands, its file and failure cleared;
    whether it was (the caller queues its task)."""
    if job.file:
        job.file.delete(save=False)
    return bool(
        PrintJob.objects.filter(pk=job.pk)
        .exclude(state=PrintJobState.DONE)
        .update(
            state=PrintJobState.QUEUED,
            failure="",
            percent=0,
            file="",
            size=0,
            finished_at=None,
            task_id="",
        )
    )


def _in_order(ids: list[int]) -> Iterator[Certificate]:
    """The certificates of `ids`, in that order, skipping those revoked since."""
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        found = Certificate.objects.filter(revoked_at__isnull=True).in_bulk(chunk)
        for pk in chunk:
            if pk in found:
                yield found[pk]


def print_job_run(job: PrintJob) -> PrintJob:
    """Join the job's certificates into one PDF in private storage (what the task runs)."""
    if job.finished:
        return job
    report = progress_reporter(job)
    PrintJob.objects.filter(pk=job.pk).update(state=PrintJobState.RUNNING)
    job.state = PrintJobState.RUNNING
    try:
        with tempfile.TemporaryFile() as out:
            count = merge_certificates(
                _in_order(job.certificate_ids), out, total=job.count, on_progress=report
            )
            if count:
                out.seek(0)
                job.file.save(f"certificates-{job.pk}.pdf", File(out), save=False)
                job.size = job.file.size
    except Exception as error:
        job.state = PrintJobState.FAILED
        job.failure = f"{type(error).__name__}: {error}"[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "failure", "finished_at"])
        cache.delete(_progress_key(job.pk))
        raise
    job.count = count
    job.percent = 100
    job.state = PrintJobState.DONE if count else PrintJobState.FAILED
    if not count:
        job.failure = "nothing to print"
    job.finished_at = timezone.now()
    job.save(update_fields=["count", "percent", "state", "file", "size", "failure", "finished_at"])
    cache.delete(_progress_key(job.pk))
    if count:
        mark_printed(job.certificate_ids, job.finished_at)
        _audit(by=job.created_by, count=count, filters=job.filters, target=job)
    return job


def print_jobs_tidy(*, now: datetime.datetime | None = None) -> dict:
    """Remove the joined PDFs of jobs finished more than `LMS_PRINT_JOB_DAYS` days ago (the
    jobs stay, as history; the certificates' own PDFs are untouched), and mark failed the jobs
    that have waited or run for more than a day. Safe to run twice."""
    now = now or timezone.now()
    days = getattr(settings, "LMS_PRINT_JOB_DAYS", 7)
    old = PrintJob.objects.filter(finished_at__lt=now - datetime.timedelta(days=days)).exclude(
        file=""
    )
    removed = 0
    for job in old.iterator():
        job.file.delete(save=False)  # the file first: a row left pointing at nothing is worse
        PrintJob.objects.filter(pk=job.pk).update(file="")
        removed += 1
    stalled = PrintJob.objects.filter(
        state__in=[PrintJobState.QUEUED, PrintJobState.RUNNING],
        created_at__lt=now - STALLED_AFTER,
    ).update(state=PrintJobState.FAILED, failure=STALLED, finished_at=now)
    return {"print_files_removed": removed, "print_jobs_stalled": stalled}
