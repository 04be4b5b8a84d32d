"""Writes of certificates: issuing (a cycle's, a course's), revoking, re-issuing, queueing the
rendering, printing. One function per use case, each transactional."""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.certificates import printing, selectors
from assessments.certificates.content import (
    _BranchAverages,
    course_content,
    cycle_content,
    expiry_for,
)
from assessments.certificates.printing import (
    _audit,
    merge_certificates,
    print_filters,
    progress_reporter,
)
from assessments.certificates.signals import certificate_revoked, certificates_issued
from assessments.certificates.verification import CODE_ALPHABET, CODE_LENGTH
from assessments.models.certificates import (
    SERIAL_LETTERS,
    Certificate,
    CertificateKind,
    CertificateTemplate,
    SerialCounter,
)
from assessments.models.cycles import AssessmentCycle, AssessmentResult, CycleState
from assessments.models.printing import PrintJob, PrintJobState
from courses.models.learning import Enrolment
from lms.audit import audit_record
from lms.models.accounts import User
from lms.models.audit import AuditAction, AuditEvent
from lms.models.org import OrgUnit
from lms.platform import jobs
from lms.platform.wording import listed

log = logging.getLogger(__name__)


SERIAL_DIGITS = 6


WRITE_BATCH = 1000


# Numbers and codes ---------------------------------------------------------------------------


def _serials_take(kind: str, year: int, count: int) -> list[str]:
    """`count` consecutive serial numbers of `kind` in `year`, from the counter row, locked
    until the caller's transaction ends (so that concurrent issuers wait for each other)."""
    with transaction.atomic():
        # INSERT ... ON CONFLICT DO NOTHING: the first issuer of a year and kind makes the
        # row; a concurrent one waits for it to commit, then finds it.
        SerialCounter.objects.bulk_create(
            [SerialCounter(year=year, kind=kind, last=0)], ignore_conflicts=True
        )
        counter = SerialCounter.objects.select_for_update().get(year=year, kind=kind)
        first = counter.last + 1
        counter.last += count
        counter.save(update_fields=["last"])
    letter = SERIAL_LETTERS[CertificateKind(kind)]
    return [f"{year}-{letter}-{n:0{SERIAL_DIGITS}d}" for n in range(first, first + count)]


def next_serial(kind: str, year: int) -> str:
    """The next serial number of `kind` in `year`, e.g. "2026-A-000123". Call it inside the
    transaction that uses the number: the counter stays locked until that transaction ends."""
    return _serials_take(kind, year, 1)[0]


def new_code() -> str:
    """A verification code nobody can guess: 16 random characters of `CODE_ALPHABET`."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _codes_new(count: int) -> list[str]:
    """`count` new codes, none of them taken (a clash of 80 random bits is not expected, but
    checking costs one query)."""
    codes: set[str] = set()
    while len(codes) < count:
        wanted = {new_code() for _ in range(count - len(codes))}
        taken = set(Certificate.objects.filter(code__in=wanted).values_list("code", flat=True))
        codes |= wanted - taken
    return list(codes)


def template_active(kind: str) -> CertificateTemplate | None:
    return CertificateTemplate.objects.filter(kind=kind, active=True).first()


def issuer_of(template: CertificateTemplate) -> dict:
    """The issuer a new certificate keeps as its own: the template's company name and seal
    as they are when it is issued (a later edit of the template changes no issued one)."""
    return {"issuer_name": template.issuer_name, "seal_id": template.seal_id}


def _template_required(kind: str) -> CertificateTemplate:
    template = template_active(kind)
    if template is None:
        raise ValidationError(
            _(
                'There is no active certificate template of the kind "%(kind)s": an '
                "administrator activates one in the admin first."
            )
            % {"kind": CertificateKind(kind).label}
        )
    return template


# Rendering, after the transaction ------------------------------------------------------------


def render_later(certificate_ids: Iterable[int]) -> None:
    """Render the certificates' PDFs in the background once the transaction commits (with
    the immediate backend, right after the commit). The certificates are issued whatever
    happens to that: a failure to enqueue is logged, not raised."""
    ids = list(certificate_ids)
    if ids:
        transaction.on_commit(lambda: _enqueue_rendering(ids), robust=True)


def tell_later(certificate_ids: Iterable[int]) -> None:
    """Tell the holders of new certificates in the background once the transaction commits
    (assessments.certificates.notices); as with the rendering, a failure to enqueue is logged,
    not raised: the certificates are issued."""
    ids = list(certificate_ids)
    if ids:
        from assessments.certificates import tasks

        transaction.on_commit(lambda: tasks.tell_holders.enqueue(ids), robust=True)


# A certificate's rendering is queued when it is issued and takes seconds; one still without
# its PDF this long after was lost (its worker killed, the queue's row gone).
RENDERING_LOST_AFTER = datetime.timedelta(hours=1)


def lost_renderings_requeue() -> int:
    """Queue again the rendering of the valid certificates issued over RENDERING_LOST_AFTER
    ago and still without a PDF; how many. Nothing else would ever render them (a worker
    that died in the middle of a task leaves it unfinished), and rendering one twice is
    harmless: a certificate is rendered once (`certificate_pdf`)."""
    ids = list(
        Certificate.objects.filter(
            rendered_at__isnull=True,
            revoked_at__isnull=True,
            issued_at__lt=timezone.now() - RENDERING_LOST_AFTER,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if ids:
        _enqueue_rendering(ids)
    return len(ids)


def _enqueue_rendering(ids: list[int]) -> None:
    from assessments.certificates import tasks
    from assessments.certificates.pdf import render_batches

    for batch in render_batches(ids):
        tasks.render_certificates.enqueue(batch)


def _issued_details(certificate: Certificate, **details) -> dict:
    return {
        "serial": certificate.serial,
        "kind": certificate.kind,
        "user": certificate.user.username,
        **details,
    }


def certificate_downloaded(*, certificate: Certificate, request) -> None:
    """A download of a certificate's PDF goes to the audit log, whoever holds it."""
    audit_record(
        action=AuditAction.CERTIFICATE_DOWNLOADED,
        target=certificate,
        details={"serial": certificate.serial, "holder": certificate.user_id == request.user.pk},
        request=request,
    )


def _audit_issued(certificate: Certificate, *, by, **details) -> None:
    audit_record(
        action=AuditAction.CERTIFICATE_ISSUED,
        actor=by,
        target=certificate,
        details=_issued_details(certificate, **details),
    )


def _audit_issued_many(certificates: list[Certificate], *, by, **details) -> None:
    """An event per certificate, in one insert: the first is recorded by `audit_record`
    (which knows the request), the others are copies of it for their certificates."""
    if not certificates:
        return
    first = audit_record(
        action=AuditAction.CERTIFICATE_ISSUED,
        actor=by,
        target=certificates[0],
        details=_issued_details(certificates[0], **details),
    )
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                at=first.at,
                actor_id=first.actor_id,
                actor_label=first.actor_label,
                action=first.action,
                ip_address=first.ip_address,
                user_agent=first.user_agent,
                object_type=first.object_type,
                object_id=str(certificate.pk),
                object_repr=str(certificate)[:200],
                details=_issued_details(certificate, **details),
            )
            for certificate in certificates[1:]
        ],
        batch_size=WRITE_BATCH,
    )


# Issuing ------------------------------------------------------------------------------------


@transaction.atomic
def certificates_issue_for_cycle(
    *, cycle: AssessmentCycle, by: User | None, users: Iterable[User] | None = None
) -> list[Certificate]:
    """Issue the assessment certificates of a finalised cycle: to every eligible person, or
    to `users` (each of whom must be eligible: otherwise nothing is issued). People who hold
    a certificate of the cycle already are left out. Returns the new certificates, by
    employee number."""
    cycle = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)  # one issuer at once
    if cycle.state != CycleState.FINALISED:
        raise ValidationError(_("Certificates are issued only for a finalised cycle."))
    results = AssessmentResult.objects.filter(cycle=cycle).select_related(
        "user__profile", "org_unit", "cycle"
    )
    if users is not None:
        wanted = {getattr(u, "pk", u) for u in users}
        results = list(results.filter(user_id__in=wanted).order_by("user__username"))
        refused = [r.user for r in results if not r.eligible]
        missing = wanted - {r.user_id for r in results}
        if missing:
            refused += list(User.objects.filter(pk__in=missing).select_related("profile"))
        if refused:
            names = listed(sorted(u.display_name for u in refused))
            raise ValidationError(
                _("Not eligible for a certificate of %(cycle)s: %(names)s.")
                % {"cycle": cycle.name, "names": names}
            )
    else:
        results = list(results.filter(eligible=True).order_by("user__username"))
    holders = set(
        Certificate.objects.filter(cycle=cycle, revoked_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    results = [r for r in results if r.user_id not in holders]
    if not results:
        return []
    template = _template_required(CertificateKind.CYCLE)
    now = timezone.now()
    issued_on = timezone.localdate(now)
    expires_on = expiry_for(template, issued_on)
    serials = _serials_take(CertificateKind.CYCLE, issued_on.year, len(results))
    codes = _codes_new(len(results))
    averages = _BranchAverages(cycle)
    certificates = Certificate.objects.bulk_create(
        [
            Certificate(
                serial=serial,
                code=code,
                kind=CertificateKind.CYCLE,
                user=result.user,
                cycle=cycle,
                content=cycle_content(result, issued_on, expires_on, averages),
                template=template,
                **issuer_of(template),
                issued_at=now,
                issued_by=by,
                expires_on=expires_on,
            )
            for result, serial, code in zip(results, serials, codes, strict=True)
        ],
        batch_size=WRITE_BATCH,
    )
    if any(c.pk is None for c in certificates):  # a backend that returns no ids
        certificates = list(
            Certificate.objects.filter(serial__in=serials)
            .select_related("user")
            .order_by("serial")
        )
    _audit_issued_many(certificates, by=by, cycle=cycle.name)
    render_later(c.pk for c in certificates)
    certificates_issued.send(sender=Certificate, certificates=certificates)
    tell_later(c.pk for c in certificates)
    return certificates


def certificate_issue_for_course(*, enrolment: Enrolment) -> Certificate | None:
    """The certificate of a completed course (on `course_completed`): None when the
    enrolment is not complete, a valid certificate of the course is held already, or no
    course template is active (logged)."""
    with transaction.atomic():
        # The enrolment's row, locked, so that two completions of it issue one certificate.
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("user__profile__org_unit", "course")
            .filter(pk=enrolment.pk)
            .first()
        )
        if enrolment is None or enrolment.completed_at is None:
            return None
        today = timezone.localdate()
        held = Certificate.objects.filter(
            kind=CertificateKind.COURSE,
            user_id=enrolment.user_id,
            course_id=enrolment.course_id,
            revoked_at__isnull=True,
        ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        if held.exists():
            return None
        template = template_active(CertificateKind.COURSE)
        if template is None:
            log.warning(
                "No active course certificate template: no certificate for enrolment %s.",
                enrolment.pk,
            )
            return None
        expires_on = expiry_for(template, today)
        certificate = Certificate.objects.create(
            serial=next_serial(CertificateKind.COURSE, today.year),
            code=_codes_new(1)[0],
            kind=CertificateKind.COURSE,
            user=enrolment.user,
            course=enrolment.course,
            content=course_content(enrolment, today, expires_on),
            template=template,
            **issuer_of(template),
            expires_on=expires_on,
        )
        _audit_issued(certificate, by=None, course=enrolment.course.title)
        render_later([certificate.pk])
        certificates_issued.send(sender=Certificate, certificates=[certificate])
        tell_later([certificate.pk])
    return certificate


# Revoking and re-issuing ---------------------------------------------------------------------


def _locked(certificate: Certificate) -> Certificate:
    return (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("user__profile__org_unit", "course", "cycle")
        .get(pk=certificate.pk)
    )


def _reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason."))
    if len(reason) > Certificate._meta.get_field("revoke_reason").max_length:
        raise ValidationError(_("The reason is too long (500 characters at most)."))
    return reason


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by: User | None, reason: str) -> Certificate:
    """Revoke a certificate: it stays on record, and its verification page says "revoked"."""
    reason = _reason_required(reason)
    certificate = _locked(certificate)
    if certificate.revoked_at is not None:
        raise ValidationError(_("This certificate is revoked already."))
    certificate.revoked_at, certificate.revoked_by = timezone.now(), by
    certificate.revoke_reason = reason
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    certificate_revoked.send(sender=Certificate, certificate=certificate)
    audit_record(
        action=AuditAction.CERTIFICATE_REVOKED,
        actor=by,
        target=certificate,
        details={"serial": certificate.serial, "reason": reason},
    )
    return certificate


@transaction.atomic
def certificate_reissue(*, certificate: Certificate, by: User | None, reason: str) -> Certificate:
    """Replace a certificate with a new one (new serial number and code), saying again what
    the same result or completion says now (the person's name as corrected, say). The old one
    is revoked with the reason and points to the new one. The new one keeps the old one's
    expiry date: a re-issue corrects a certificate, it does not renew it."""
    reason = _reason_required(reason)
    old = _locked(certificate)
    if old.revoked_at is not None:
        raise ValidationError(_("A revoked certificate cannot be re-issued."))
    now = timezone.now()
    issued_on = timezone.localdate(now)
    if old.kind == CertificateKind.CYCLE:
        template = _template_required(CertificateKind.CYCLE)
        result = (
            AssessmentResult.objects.select_related("user__profile", "org_unit", "cycle")
            .filter(cycle_id=old.cycle_id, user_id=old.user_id)
            .first()
        )
        if result is None:
            raise ValidationError(_("The assessment result of this certificate is gone."))
        content = cycle_content(result, issued_on, old.expires_on)
    else:
        template = _template_required(CertificateKind.COURSE)
        enrolment = (
            Enrolment.objects.select_related("user__profile__org_unit", "course")
            .filter(user_id=old.user_id, course_id=old.course_id, completed_at__isnull=False)
            .first()
        )
        if enrolment is None:  # the completion is gone: say what the old one said of it
            enrolment = Enrolment(user=old.user, course=old.course, completed_at=None)
            content = course_content(enrolment, issued_on, old.expires_on)
            content["course"] = old.content.get("course", content["course"])
        else:
            content = course_content(enrolment, issued_on, old.expires_on)
    # The old one stops being in force first (one cycle certificate in force per person).
    old.revoked_at, old.revoked_by, old.revoke_reason = now, by, reason
    old.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    certificate_revoked.send(sender=Certificate, certificate=old)
    new = Certificate.objects.create(
        serial=next_serial(old.kind, issued_on.year),
        code=_codes_new(1)[0],
        kind=old.kind,
        user=old.user,
        course=old.course,
        cycle=old.cycle,
        content=content,
        template=template,
        **issuer_of(template),
        issued_at=now,
        issued_by=by,
        expires_on=old.expires_on,
        reminded_at=old.reminded_at,
    )
    old.superseded_by = new
    old.save(update_fields=["superseded_by"])
    audit_record(
        action=AuditAction.CERTIFICATE_REISSUED,
        actor=by,
        target=old,
        details={"serial": old.serial, "new_serial": new.serial, "reason": reason},
    )
    _audit_issued(new, by=by, supersedes=old.serial)
    render_later([new.pk])
    certificates_issued.send(sender=Certificate, certificates=[new])
    tell_later([new.pk])
    return new


def print_now(
    *,
    certificates: list[Certificate],
    out: IO[bytes],
    filters: dict,
    by=None,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Join `certificates` (in print order) into `out` now and record it; how many."""
    count = merge_certificates(certificates, out, total=len(certificates), on_progress=on_progress)
    if count:
        printing.mark_printed([c.pk for c in certificates])
        cycle_id = filters.get("cycle_id")
        target = AssessmentCycle.objects.filter(pk=cycle_id).first() if cycle_id else None
        _audit(by=by, count=count, filters=filters, target=target)
    return count


@dataclass(frozen=True)
class Printed:
    """What a print asked for became: a PDF already written (a small batch), or a job that
    joins it in the background."""

    count: int
    job: PrintJob | None = None


def certificates_print(
    *,
    out: IO[bytes],
    by,
    cycle: AssessmentCycle | None = None,
    unit: OrgUnit | None = None,
    ids: list[int] | None = None,
    unprinted: bool = False,
) -> Printed:
    """HR prints the certificates in force that the filters choose: up to SMALL_BATCH are
    joined into `out` at once, more (up to MAX_BATCH) by a print job in the background.
    ValidationError, and nothing printed, when none matches or too many do."""
    chosen = selectors.certificates_for_print(cycle=cycle, unit=unit, ids=ids, unprinted=unprinted)
    found = list(chosen.values_list("pk", flat=True))
    filters = print_filters(cycle=cycle, unit=unit, ids=ids, unprinted=unprinted)
    if not found:
        raise ValidationError(_("Nothing to print: no certificate in force matches."))
    if len(found) > printing.MAX_BATCH:
        raise ValidationError(
            _(
                "%(count)s certificates are too many for one PDF (%(max)s at most): "
                "print them by org unit."
            )
            % {"count": len(found), "max": printing.MAX_BATCH}
        )
    if len(found) <= printing.SMALL_BATCH:
        return Printed(print_now(certificates=list(chosen), out=out, filters=filters, by=by))
    return Printed(len(found), print_job_create(certificate_ids=found, filters=filters, by=by))


@transaction.atomic
def print_job_create(*, certificate_ids: list[int], filters: dict, by) -> PrintJob:
    """A job for the certificates (ids in print order), started in the background once the
    transaction commits."""
    job = PrintJob.objects.create(
        created_by=by,
        filters=filters,
        certificate_ids=list(certificate_ids),
        count=len(certificate_ids),
    )

    _print_queue(job)
    return job


def _print_queue(job: PrintJob) -> None:
    from assessments.certificates import tasks as print_tasks

    def start() -> None:
        progress_reporter(job)(0)
        result = print_tasks.print_certificates.enqueue(job.pk)
        PrintJob.objects.filter(pk=job.pk).update(task_id=str(result.id))

    transaction.on_commit(start)


@transaction.atomic
def print_job_retry(*, job: PrintJob, by) -> None:
    """Join a print job's PDFs again: one that failed, or whose worker was lost. In the
    audit log. ValidationError for a job done, or still in a worker's hands."""
    job = PrintJob.objects.select_for_update().get(pk=job.pk)
    if not (job.state == PrintJobState.FAILED or printing.print_job_stuck(job)):
        raise ValidationError(_("This print job is not stopped: it cannot be started again."))
    before = job.state
    jobs.abandon(job.task_id, "the print job was started again")
    printing.print_job_restart(job)
    audit_record(
        action=AuditAction.JOB_RETRIED,
        actor=by,
        target=job,
        details={"job": "print_certificates", "state": before, "count": job.count},
    )
    _print_queue(job)
