"""Integration tokens: make one, renew its secret, revoke it, and check one a caller gives.

A token reads `lms_<prefix>_<secret>`: the prefix (public, unique) finds the record, and the
secret (32 random bytes) is checked against its stored SHA-256 in constant time. The secret
is returned once, by `token_create` and `token_rotate`, and never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.audit import audit_record
from lms.integrations.permissions import may_manage_tokens, token_may_act
from lms.models.audit import AuditAction
from lms.models.integrations import IntegrationToken, TokenScope

TOKEN_START = "lms_"


@dataclass(frozen=True)
class IssuedToken:
    """A token and the text to give the other system: shown once."""

    token: IntegrationToken
    plaintext: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret() -> tuple[str, str, str]:
    """(prefix, secret, the token's text)."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return prefix, secret, f"{TOKEN_START}{prefix}_{secret}"


def _require_admin(by) -> None:
    if not may_manage_tokens(by):
        raise PermissionDenied


def _clean_scopes(scopes) -> list[str]:
    chosen = [scope for scope in TokenScope.values if scope in set(scopes)]
    if not chosen or len(chosen) != len(set(scopes)):
        raise ValidationError(_("Choose at least one of the scopes offered."))
    return chosen


@transaction.atomic
def token_create(*, name: str, scopes, by) -> IssuedToken:
    """A new token acting for `by` (an administrator), with `scopes`."""
    _require_admin(by)
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the token a name."))
    if IntegrationToken.objects.filter(name=name).exists():
        raise ValidationError(_("Another token already has this name."))
    prefix, secret, plaintext = _new_secret()
    token = IntegrationToken.objects.create(
        name=name,
        prefix=prefix,
        secret_sha256=_digest(secret),
        scopes=_clean_scopes(scopes),
        created_by=by,
    )
    audit_record(
        action=AuditAction.TOKEN_CREATED,
        actor=by,
        target=token,
        details={"token": token.name, "scopes": token.scopes},
    )
    return IssuedToken(token=token, plaintext=plaintext)


@transaction.atomic
def token_rotate(*, token: IntegrationToken, by) -> IssuedToken:
    """A new secret (and prefix) for `token`: the old text stops working at once."""
    _require_admin(by)
    token = IntegrationToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError(_("A revoked token can't be renewed; create a new one."))
    prefix, secret, plaintext = _new_secret()
    token.prefix, token.secret_sha256 = prefix, _digest(secret)
    token.rotated_at = timezone.now()
    token.save(update_fields=["prefix", "secret_sha256", "rotated_at"])
    audit_record(
        action=AuditAction.TOKEN_ROTATED, actor=by, target=token, details={"token": token.name}
    )
    return IssuedToken(token=token, plaintext=plaintext)


@transaction.atomic
def token_revoke(*, token: IntegrationToken, by) -> IntegrationToken:
    """Stop `token` for good; the record stays, for the audit log."""
    _require_admin(by)
    token = IntegrationToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = timezone.now(), by
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            action=AuditAction.TOKEN_REVOKED,
            actor=by,
            target=token,
            details={"token": token.name},
        )
    return token


@dataclass(frozen=True)
class Authentication:
    """What checking a token's text found: the token it names (if any), and whether it may
    be used now."""

    token: IntegrationToken | None
    valid: bool


def token_authenticate(text: str) -> Authentication:
    """Check a token's text: known prefix, matching secret (constant time), not revoked, and
    its creator still an active administrator. A valid token's last use is recorded."""
    if not text.startswith(TOKEN_START):
        return Authentication(None, False)
    prefix, _sep, secret = text[len(TOKEN_START) :].partition("_")
    if not prefix or not secret:
        return Authentication(None, False)
    token = IntegrationToken.objects.select_related("created_by").filter(prefix=prefix).first()
    if token is None:
        return Authentication(None, False)
    if not hmac.compare_digest(token.secret_sha256, _digest(secret)):
        return Authentication(token, False)
    if not token_may_act(token):
        return Authentication(token, False)
    token.last_used_at = timezone.now()
    IntegrationToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
    return Authentication(token, True)


def api_call_record(*, token: IntegrationToken, endpoint: str, status: int, details=None) -> None:
    """One API call in the audit log: the token, the endpoint and its answer, the counts the
    endpoint reported; never the payload."""
    audit_record(
        action=AuditAction.API_CALLED,
        actor=token.created_by,
        actor_label=f"token:{token.name}",
        target=token,
        details={"token": token.name, "endpoint": endpoint, "status": status, **(details or {})},
    )
