"""Who may read, download, issue, print, revoke and re-issue certificates, and edit their
templates.

A certificate is read (and its PDF downloaded) by its holder, by HR and administrators, and
by the trainers of the units that hold the person: the `Q` filter for lists and the answer for
one certificate side by side. HR and administrators issue, print, revoke and re-issue; the
templates are Django's model permissions (given to HR and administrators by migration 0014).
Anyone may verify a code on the public page, which discloses no more than `verification`
says.
"""

from __future__ import annotations

from django.db.models import Q

from assessments.models.certificates import Certificate
from lms.permissions import person_visibility, staff_scope
from lms.roles import is_hr


class CertificateRule:
    def readable(self, user) -> Q:
        if staff_scope(user).everyone:
            return Q()
        return Q(user_id=user.pk) | person_visibility.q(user)

    def can_read(self, user, certificate: Certificate) -> bool:
        """One query at most (the user's roles) when the certificate was read with its
        holder's profile and org unit."""
        if certificate.user_id == user.pk or staff_scope(user).everyone:
            return True
        profile = getattr(certificate.user, "profile", None)
        return profile is not None and person_visibility.allows(user, profile)


certificate_rule = CertificateRule()


def may_manage_certificates(user) -> bool:
    """HR's certificate pages: every certificate, issuing, printing, revoking, re-issuing."""
    return is_hr(user)


def may_see_templates(user) -> bool:
    """The certificate templates in the admin, and their PDF preview."""
    return user.has_perm("assessments.change_certificatetemplate") or user.has_perm(
        "assessments.view_certificatetemplate"
    )
