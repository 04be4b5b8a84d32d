"""Certificates that expire: a reminder before, and the course given again after.

Run once a day by `manage.py certificate_reminders` (cron or a systemd timer, as the
learning run is). Both steps are safe to run twice, or on two machines at once:

- `certificate_reminders_send`: each certificate that expires within
  `LMS_CERTIFICATE_REMINDER_DAYS` is claimed once (`reminded_at`, set by a conditional
  update), its holder is told in their own language (lms.notifications: the inbox, e-mail
  or a group robot), and HR get one summary.
- `expired_courses_reassign`: a course certificate that has expired gives its holder the
  course again (an assignment whose note names the certificate, so that it happens once per
  certificate; the enrolment is reopened and its lessons are to be done again, the earlier
  completions kept as history).
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from assessments.certificates.content import subject_of
from assessments.certificates.printing import print_jobs_tidy
from assessments.certificates.services import lost_renderings_requeue
from assessments.models.certificates import Certificate, CertificateKind
from assessments.notifications import CERTIFICATES_EXPIRING, CERTIFICATES_EXPIRING_HR
from courses.learning.notices import assigned_notify
from courses.learning.services import enrolment_reopen
from courses.models.learning import Assignment, Enrolment, EnrolmentSource
from lms.audit import audit_record
from lms.models.accounts import StaffStatus, User
from lms.models.audit import AuditAction
from lms.notifications.services import notify
from lms.platform.jobs import job_kind
from lms.roles import Role

log = logging.getLogger(__name__)


SYSTEM_ACTOR = "manage.py certificate_reminders"


def reminder_days() -> int:
    """How many days before its expiry a certificate's holder and HR are reminded."""
    return getattr(settings, "LMS_CERTIFICATE_REMINDER_DAYS", 30)


def retake_days() -> int:
    """How many days a person has to complete a course again once its certificate expired."""
    return getattr(settings, "LMS_CERTIFICATE_RETAKE_DAYS", 30)


def _base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


# People still with the company: an active account, and an active staff record if any.
_STILL_HERE = Q(user__is_active=True) & (
    Q(user__profile__isnull=True) | Q(user__profile__status=StaffStatus.ACTIVE)
)


# Reminders before the expiry ---------------------------------------------------------------


def certificates_expiring(on: datetime.date):
    """The certificates in force that expire within the reminder period and whose holder has
    not been reminded yet."""
    return Certificate.objects.filter(
        _STILL_HERE,
        revoked_at__isnull=True,
        reminded_at__isnull=True,
        expires_on__gte=on,
        expires_on__lte=on + datetime.timedelta(days=reminder_days()),
    )


def certificate_reminders_send(*, on: datetime.date | None = None) -> int:
    """Remind the holders of the certificates that expire soon, and HR; each certificate
    once. Returns how many certificates were reminded of."""
    on = on or timezone.localdate()
    stamp = timezone.now()
    # Claim in one statement: a run working at the same time claims none of these.
    Certificate.objects.filter(
        reminded_at__isnull=True, pk__in=certificates_expiring(on).values("pk")
    ).update(reminded_at=stamp)
    claimed = list(
        Certificate.objects.filter(reminded_at=stamp)
        .select_related("user__profile", "course", "cycle")
        .order_by("expires_on", "pk")
    )
    if not claimed:
        return 0
    by_person: dict[int, list[Certificate]] = defaultdict(list)
    for certificate in claimed:
        by_person[certificate.user_id].append(certificate)
    for certificates in by_person.values():
        # Told once (lms.notifications: the inbox, and e-mail or a robot by the workers,
        # retried there when a channel fails).
        _email_holder(certificates[0].user, certificates)
    _email_hr(claimed, stamp)
    return len(claimed)


def _email_holder(user: User, certificates: list[Certificate]) -> None:
    notify(
        kind=CERTIFICATES_EXPIRING,
        people=[user],
        key="expiry:" + ",".join(str(c.pk) for c in certificates),
        template="certificates/emails/expiry",
        link=reverse("certificates:mine"),
        context={
            "items": [
                {
                    "certificate": c,
                    "subject": subject_of(c),
                    "course": c.kind == CertificateKind.COURSE,
                }
                for c in certificates
            ],
        },
    )


@dataclass(frozen=True)
class ExpirySummary:
    kind: str
    subject: str
    count: int
    first_expiry: datetime.date


def summarise(certificates: list[Certificate]) -> list[ExpirySummary]:
    """The certificates by kind and course or cycle: how many, and the first to expire."""
    groups: dict[tuple[str, str], list[Certificate]] = defaultdict(list)
    for certificate in certificates:
        groups[(certificate.kind, subject_of(certificate))].append(certificate)
    return sorted(
        (
            ExpirySummary(kind, subject, len(group), min(c.expires_on for c in group))
            for (kind, subject), group in groups.items()
        ),
        key=lambda s: (s.first_expiry, s.kind, s.subject),
    )


def hr_recipients() -> list[User]:
    return list(
        User.objects.filter(groups__name=Role.HR.value, is_active=True)
        .exclude(email="")
        .select_related("profile")
        .distinct()
        .order_by("pk")
    )


def _email_hr(certificates: list[Certificate], stamp: datetime.datetime) -> None:
    try:
        link = reverse("certificates:certificate_list")
    except NoReverseMatch:
        link = ""
    notify(
        kind=CERTIFICATES_EXPIRING_HR,
        people=hr_recipients(),
        key=f"expiry-hr:{stamp.isoformat()}",
        template="certificates/emails/expiry_hr",
        link=link,
        context={
            "total": len(certificates),
            "summary": summarise(certificates),
            "days": reminder_days(),
        },
    )


# Expired course certificates: the course again ---------------------------------------------


def _reassigned(certificate_ref) -> Exists:
    """Whether the course of a certificate was already given again for it."""
    return Exists(
        Assignment.objects.filter(
            course=certificate_ref("course"),
            people=certificate_ref("user"),
            note__contains=certificate_ref("serial"),
        )
    )


def expired_course_certificates(on: datetime.date):
    """Course certificates that have expired (not revoked), whose holder has not earned a
    newer one and has not been given the course again for it yet."""
    newer = Certificate.objects.filter(
        user=OuterRef("user"), course=OuterRef("course"), issued_at__gt=OuterRef("issued_at")
    )
    return (
        Certificate.objects.filter(
            _STILL_HERE,
            kind=CertificateKind.COURSE,
            course__live=True,
            revoked_at__isnull=True,
            expires_on__lt=on,
        )
        .exclude(Exists(newer))
        .exclude(_reassigned(OuterRef))
        .order_by("expires_on", "pk")
    )


def expired_courses_reassign(*, on: datetime.date | None = None) -> int:
    """Give every holder of an expired course certificate the course again; once per
    certificate. Returns how many courses were given again."""
    on = on or timezone.localdate()
    done = 0
    for pk in expired_course_certificates(on).values_list("pk", flat=True):
        if course_reassign_for_expired(certificate_id=pk, on=on):
            done += 1
    return done


@transaction.atomic
def course_reassign_for_expired(*, certificate_id: int, on: datetime.date) -> bool:
    """Give the holder of the expired course certificate the course again: an assignment
    that names the certificate, and the enrolment reopened with a new due date (its lessons
    to be done again, the earlier completions kept as history). False when there is nothing
    to do (already given again)."""
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("course")
        .filter(
            pk=certificate_id,
            kind=CertificateKind.COURSE,
            revoked_at__isnull=True,
            expires_on__lt=on,
        )
        .first()
    )
    # Checked once the row is locked, in a statement of its own: it sees what a run that
    # held the lock before has committed.
    if certificate is None or (
        Certificate.objects.filter(pk=certificate.pk).filter(_reassigned(OuterRef)).exists()
    ):
        return False  # another run did it, or it was revoked meanwhile
    course = certificate.course
    due = on + datetime.timedelta(days=retake_days())
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Certificate %(serial)s expired on %(date)s: the course is to be done again.") % {
            "serial": certificate.serial,
            "date": certificate.expires_on.isoformat(),
        }
    assignment = Assignment.objects.create(
        course=course,
        due_on=due,
        note=note[:255],
        reason=note[:255],
        cause_key=f"certificate:{certificate.serial}",
        created_by=None,
    )
    assignment.people.set([certificate.user_id])
    enrolment = (
        Enrolment.objects.select_for_update()
        .filter(user_id=certificate.user_id, course=course)
        .first()
    )
    if enrolment is not None:
        # The lessons are done again; what was done before is kept as history.
        enrolment_reopen(enrolment=enrolment, assignment=assignment, due_on=due, why=note)
    else:
        Enrolment.objects.create(
            user_id=certificate.user_id,
            course=course,
            source=EnrolmentSource.ASSIGNED,
            assignment=assignment,
            enrolled_at=timezone.now(),
            due_on=due,
        )
        assigned_notify(assignment=assignment, course=course, due={certificate.user_id: due})
    audit_record(
        action=AuditAction.COURSE_ASSIGNED,
        actor_label=SYSTEM_ACTOR,
        target=assignment,
        details={
            "course": course.title,
            "enrolled": 1,
            "certificate": certificate.serial,
            "reason": "certificate_expired",
        },
    )
    return True


def certificate_expiry_run(*, on: datetime.date | None = None) -> dict:
    """The day's run: reminders, the courses of expired certificates given again, old print
    jobs' PDFs removed, and the renderings lost on the way queued again."""
    on = on or timezone.localdate()
    return {
        "reminded": certificate_reminders_send(on=on),
        "reassigned": expired_courses_reassign(on=on),
        **print_jobs_tidy(),
        "rendering_requeued": lost_renderings_requeue(),
    }


@job_kind(
    label="Certificates: the daily run (expiry reminders, retakes, print files, lost renderings)",
    rerun_safe=True,
    why="safe to run twice: a reminder is sent once (recorded), a retake assigned once, and "
    "the tidying and re-queueing look at what is left to do",
)
@task()
def certificate_expiry_daily() -> dict:
    """The day's run in a task worker (`manage.py certificate_reminders --enqueue`)."""
    return certificate_expiry_run()
