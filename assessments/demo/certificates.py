# ruff: noqa: RUF001 (full-width punctuation in the Chinese texts, on purpose)
"""The demo's certificates: HR's for the finalised cycle, and one for each completed course.

Loaded by `manage.py seed_demo` (`assessments.receivers`), after the demo cycles:

- the demo HR officer issues the assessment certificates of the previous quarter's cycle
  (the finalised one) to its eligible people, the day after finalising it; days later one
  of them is revoked (with the reason) and another re-issued (the old one revoked and
  pointing to the new one), so that every state shows on the pages;
- every completed enrolment holds exactly one course certificate, issued when the course
  was completed. Completions made through `courses.learning.services` earned theirs already, from
  the `course_completed` receiver, but before the demo dated the completion back to its day:
  such a certificate is dated back with it (and rendered again if it was rendered with the
  date of the run). Those without one (a demo loaded in one transaction, whose receivers
  run only after it) get theirs here.

A second run changes nothing: nobody who ever held a certificate of the cycle gets another,
the revocation and the re-issue are made once, and a course certificate dated right stays.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.certificates.content import course_content, expiry_for
from assessments.certificates.services import (
    certificate_issue_for_course,
    certificate_reissue,
    certificate_revoke,
    certificates_issue_for_cycle,
    render_later,
    template_active,
)
from assessments.demo.cycles import cycle_name
from assessments.demo.operations import DAY, HR_USER, quarter_start
from assessments.demo.quizzes import LEARNER, _at
from assessments.demo.seal import load_demo_issuer
from assessments.models.certificates import Certificate, CertificateKind
from assessments.models.cycles import AssessmentCycle, AssessmentResult, CycleState
from courses.models.learning import Enrolment
from lms.models.accounts import User

REVOKE_REASON = "复核发现该员工本季度业务知识测评由他人代答，经调查属实，撤销证书。"
REISSUE_REASON = "原证书纸本在转交途中损毁，员工申请补发，作废原编号并重新颁发。"
# Certificates are issued the day after the cycle is finalised; the revocation and the
# re-issue come this many days after that.
REVOKED_AFTER = 5 * DAY
REISSUED_AFTER = 8 * DAY
# A course certificate is issued this long after the completion.
COURSE_DELAY = datetime.timedelta(minutes=2)


def load_demo_certificates(stdout=None, today: datetime.date | None = None) -> dict[str, int]:
    """The demo's certificates (see the module); returns what was made."""
    today = today or timezone.localdate()
    load_demo_issuer(stdout)  # before issuing: the PDFs carry the company's name and seal
    made = {"cycle": 0, "course": 0, "redated": 0, "revoked": 0, "reissued": 0}
    if template_active(CertificateKind.CYCLE) is None or (
        template_active(CertificateKind.COURSE) is None
    ):
        _say(stdout, "No active certificate templates: demo certificates not loaded.")
        return made
    with transaction.atomic():  # the PDFs are rendered once it commits, dated as below
        cycle = AssessmentCycle.objects.filter(
            name=cycle_name(quarter_start(quarter_start(today) - DAY)),
            state=CycleState.FINALISED,
        ).first()
        if cycle is not None:
            made |= _cycle_certificates(cycle)
        made["course"], made["redated"] = _course_certificates()
    _say(
        stdout,
        f"Demo certificates: {made['cycle']} new for {cycle.name if cycle else 'no cycle'}, "
        f"{made['course']} new for completed courses ({made['redated']} dated back), "
        f"{made['revoked']} revoked, {made['reissued']} re-issued; "
        f"{Certificate.objects.count()} in all.",
    )
    return made


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


# The cycle's certificates --------------------------------------------------------------------


def _cycle_certificates(cycle: AssessmentCycle) -> dict[str, int]:
    made = {"cycle": 0, "revoked": 0, "reissued": 0}
    hr = User.objects.filter(username=HR_USER).first()
    ever = Certificate.objects.filter(cycle=cycle).values_list("user_id", flat=True)
    due = list(
        AssessmentResult.objects.filter(cycle=cycle, eligible=True)
        .exclude(user_id__in=ever)
        .values_list("user_id", flat=True)
    )
    issued_at = _at(timezone.localdate(cycle.finalised_at) + DAY, 10)
    if not _past(issued_at):
        issued_at = timezone.now()
    if due:
        try:
            new = certificates_issue_for_cycle(cycle=cycle, by=hr, users=due)
        except ValidationError:  # no template: nothing to show
            return made
        made["cycle"] = len(new)
        for certificate in new:
            _redate(certificate, issued_at)
    if Certificate.objects.filter(cycle=cycle, revoked_at__isnull=False).exists():
        return made
    # The revocation and the re-issue, of two of them (not the demo learner's).
    held = list(
        Certificate.objects.filter(cycle=cycle, revoked_at__isnull=True)
        .exclude(user__username=LEARNER)
        .select_related("user")
        .order_by("-user__username")[:2]
    )
    if len(held) < 2:
        return made
    certificate_revoke(certificate=held[0], by=hr, reason=REVOKE_REASON)
    made["revoked"] = 1
    new = certificate_reissue(certificate=held[1], by=hr, reason=REISSUE_REASON)
    made["reissued"] = 1
    for certificate, when in ((held[0], REVOKED_AFTER), (held[1], REISSUED_AFTER)):
        if _past(issued_at + when):
            Certificate.objects.filter(pk=certificate.pk).update(revoked_at=issued_at + when)
    _redate(new, issued_at + REISSUED_AFTER, keep_expiry=True)
    return made


def _past(when: datetime.datetime) -> bool:
    return when < timezone.now()


def _redate(certificate: Certificate, when: datetime.datetime, keep_expiry=False) -> None:
    """Issued at `when` (if that is past), as it would have been: its content and expiry say
    so too. (The audit log, only ever added to, keeps the time of the run.)"""
    if not _past(when):
        return
    issued_on = timezone.localdate(when)
    expires_on = (
        certificate.expires_on if keep_expiry else expiry_for(certificate.template, issued_on)
    )
    content = {
        **certificate.content,
        "issued_on": issued_on.isoformat(),
        "expires_on": expires_on.isoformat() if expires_on else None,
    }
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=when, expires_on=expires_on, content=content
    )


# The course certificates ---------------------------------------------------------------------


def _course_certificates() -> tuple[int, int]:
    """A certificate for each completed enrolment without one, and those issued before the
    demo dated their completion back dated back with it. Returns (new, dated back)."""
    completed = list(
        Enrolment.objects.filter(completed_at__isnull=False).select_related(
            "user__profile__org_unit", "course"
        )
    )
    certificates = {
        (c.user_id, c.course_id): c
        for c in Certificate.objects.filter(
            kind=CertificateKind.COURSE, revoked_at__isnull=True
        ).select_related("template")
    }
    new = redated = 0
    rerender = []
    for enrolment in completed:
        certificate = certificates.get((enrolment.user_id, enrolment.course_id))
        is_new = certificate is None
        if is_new:
            certificate = certificate_issue_for_course(enrolment=enrolment)
            if certificate is None:
                continue
            new += 1
        when = enrolment.completed_at + COURSE_DELAY
        if certificate.issued_at == when or not _past(when):
            continue
        issued_on = timezone.localdate(when)
        content = course_content(enrolment, issued_on, expiry_for(certificate.template, issued_on))
        expires_on = content["expires_on"]
        fields = {
            "issued_at": when,
            "content": content,
            "expires_on": datetime.date.fromisoformat(expires_on) if expires_on else None,
        }
        if certificate.rendered_at is not None:  # rendered with the run's date: again
            if certificate.pdf:
                certificate.pdf.delete(save=False)
            fields |= {"pdf": "", "sha256": "", "rendered_at": None}
            rerender.append(certificate.pk)
        Certificate.objects.filter(pk=certificate.pk).update(**fields)
        redated += not is_new
    render_later(rerender)
    return new, redated
