"""A person's certificates ("My certificates") and the download of a certificate's PDF, served
from storage as rendered when it was issued (never rendered here). HTTP only; the reads are
the selectors at the top."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from assessments.certificates import verification_url
from assessments.models.certificates import Certificate, CertificateStatus
from lms.audit import audit_record
from lms.models.audit import AuditAction
from lms.permissions import person_visibility, staff_scope

log = logging.getLogger(__name__)


# Selectors ---------------------------------------------------------------------------------


def certificates_of(user) -> list[Certificate]:
    """A person's certificates of both kinds, newest first, in one query."""
    return list(
        Certificate.objects.filter(user=user)
        .select_related("course", "cycle", "superseded_by")
        .order_by("-issued_at", "-pk")
    )


def downloadable(user, pk: int) -> Certificate:
    """The certificate `pk` if `user` may download it: its holder, HR and administrators,
    and the trainers of the units that hold the person. Http404 otherwise (nobody learns
    that it exists). One query, plus the user's roles when not the holder."""
    certificate = (
        Certificate.objects.select_related("user__profile__org_unit")
        .only(
            "pk",
            "serial",
            "user_id",
            "pdf",
            "rendered_at",
            "user__id",
            "user__profile__id",
            "user__profile__user_id",
            "user__profile__org_unit__id",
            "user__profile__org_unit__path",
        )
        .filter(pk=pk)
        .first()
    )
    if certificate is None:
        raise Http404
    if certificate.user_id == user.pk or staff_scope(user).everyone:
        return certificate
    profile = getattr(certificate.user, "profile", None)
    if profile is None or not person_visibility.allows(user, profile):
        raise Http404
    return certificate


# Views -------------------------------------------------------------------------------------


@login_required
def my_certificates(request):
    today = timezone.localdate()
    rows = [
        {
            "certificate": certificate,
            "status": certificate.status(today),
            "title": _subject(certificate),
            "verification_url": (
                verification_url(certificate)
                if certificate.revoked_at is None
                else ""  # nothing to share: the page says "revoked"
            ),
        }
        for certificate in certificates_of(request.user)
    ]
    return render(
        request,
        "certificates/mine.html",
        {"rows": rows, "statuses": CertificateStatus},
    )


def _subject(certificate: Certificate) -> str:
    """The course's title or the cycle's name as the certificate says it (its snapshot)."""
    content = certificate.content or {}
    if certificate.course_id:
        return (content.get("course") or {}).get("title") or certificate.course.title
    return (content.get("cycle") or {}).get("name") or (
        certificate.cycle.name if certificate.cycle_id else ""
    )


@never_cache
@login_required
def certificate_download(request, pk: int):
    """The stored PDF, as an attachment named after the serial number; audited."""
    certificate = downloadable(request.user, pk)
    if not certificate.pdf:
        return render(
            request,
            "certificates/download_pending.html",
            {"certificate": certificate},
            status=409,
        )
    try:
        handle = certificate.pdf.open("rb")
    except OSError:
        log.exception("The PDF of certificate %s is missing from storage", certificate.serial)
        raise Http404 from None
    audit_record(
        action=AuditAction.CERTIFICATE_DOWNLOADED,
        target=certificate,
        details={"serial": certificate.serial, "holder": certificate.user_id == request.user.pk},
        request=request,
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{certificate.serial}.pdf",
        content_type="application/pdf",
    )
