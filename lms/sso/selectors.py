"""Who a provider's identity is among the staff accounts HR keeps."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q

from lms.models.accounts import StaffProfile, User
from lms.sso.identity import Identity, normalise_mobile


class Refusal(StrEnum):
    UNKNOWN = "unknown"  # names no staff account
    AMBIGUOUS = "ambiguous"  # names several (a mobile or an e-mail two people share)
    LEFT = "left"  # a leaver, or an account switched off
    CONNECT = "connect"  # linking by hand, which the site does not offer


@dataclass(frozen=True)
class Match:
    user: User | None
    refusal: Refusal | None = None
    by: str = ""  # "employee_number", "mobile" or "email"


def _one(users: list[User], by: str) -> Match | None:
    if not users:
        return None
    if len(users) > 1:
        return Match(None, Refusal.AMBIGUOUS, by)
    user = users[0]
    profile = getattr(user, "profile", None)
    if not user.is_active or (profile is not None and profile.status == "left"):
        return Match(None, Refusal.LEFT, by)
    return Match(user, None, by)


def _by_mobile(mobile: str) -> list[User]:
    # Phones are kept as HR typed them ("138-0013-8000", "+86 13800138000"): narrowed by the
    # last four digits in the database, compared whole once normalised.
    candidates = StaffProfile.objects.filter(phone__contains=mobile[-4:]).select_related("user")
    return [p.user for p in candidates if normalise_mobile(p.phone) == mobile]


def staff_for_identity(identity: Identity, *, match_email: bool) -> Match:
    """The one staff account the identity names: by the employee number, then by the mobile,
    then (with `match_email`) by a verified e-mail. A key that names nobody hands over to the
    next; one naming several people refuses. Never creates anyone."""
    users = User.objects.select_related("profile")
    if identity.employee_number:
        found = _one(
            list(users.filter(username__iexact=identity.employee_number)), "employee_number"
        )
        if found:
            return found
    if identity.mobile and len(identity.mobile) >= 4:
        found = _one(_by_mobile(identity.mobile), "mobile")
        if found:
            return found
    if match_email and identity.verified_email:
        found = _one(list(users.filter(Q(email__iexact=identity.verified_email))), "email")
        if found:
            return found
    return Match(None, Refusal.UNKNOWN)
