"""Who may download, print, issue and revoke certificates."""

from __future__ import annotations

from django.http import Http404

from assessments.models.certificates import Certificate
from lms.permissions import person_visibility, staff_scope


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
