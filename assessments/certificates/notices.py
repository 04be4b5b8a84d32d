"""Telling holders that they were issued a certificate (lms.notifications: the inbox, e-mail and
the group robots).

Queued by the issuing once it commits (`tasks.tell_holders`, as the rendering is): HR's
request that issues a whole cycle's certificates does not wait for thousands of messages. One
event per certificate: a certificate re-issued (or revoked and issued again) is a new
certificate, and its holder is told again; rendering or printing one tells nobody, and a
certificate revoked before its holder was told is left out.

What a message says: the course or cycle, the serial number, the expiry, the public
verification address printed on the certificate, and the link to My certificates. No grade
or score: the same text goes to the group robots, which post into a company-wide group chat.
"""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse

from assessments.certificates.content import subject_of
from assessments.certificates.verification import verification_url
from assessments.models.certificates import Certificate
from assessments.notifications import CERTIFICATES_ISSUED
from lms.notifications.services import Recipient, notify_each


def issued_key(certificate: Certificate) -> str:
    """The event, for its holder: a certificate of this course or cycle issued at this moment.
    A person is issued at most one such certificate, so the key names the certificate; the
    certificates HR issues for a whole cycle at once share it, and are told in one batch."""
    subject = certificate.course_id or certificate.cycle_id
    return f"certificate:{certificate.kind}:{subject}:{certificate.issued_at.isoformat()}"


def certificates_issued_tell(certificate_ids) -> int:
    """Tell each holder of these certificates about theirs, once per certificate (a few
    queries per 500 holders, however many were issued at once); how many were told now."""
    ids = sorted(set(certificate_ids))
    told = 0
    for start in range(0, len(ids), CHUNK):
        told += _tell(ids[start : start + CHUNK])
    return told


CHUNK = 1000


def _tell(ids: list[int]) -> int:
    certificates = (
        Certificate.objects.filter(pk__in=ids, revoked_at__isnull=True)
        .select_related("user__profile", "course", "cycle")
        .order_by("pk")
    )
    replaced = dict(
        Certificate.objects.filter(superseded_by__in=ids).values_list("superseded_by_id", "serial")
    )
    link = reverse("certificates:mine")
    events: dict[str, list[Recipient]] = defaultdict(list)
    for certificate in certificates:
        events[issued_key(certificate)].append(
            Recipient(
                certificate.user,
                link,
                {
                    "certificate": certificate,
                    "subject": subject_of(certificate),
                    "verification_url": verification_url(certificate),
                    "replaces": replaced.get(certificate.pk, ""),
                },
            )
        )
    told = 0
    for key, recipients in events.items():
        told += len(
            notify_each(
                kind=CERTIFICATES_ISSUED,
                key=key,
                recipients=recipients,
                template="assessments/email/certificate_issued",
            )
        )
    return told
