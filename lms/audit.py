"""Writing to the audit log.

`audit_record` is the one way to add an event. The request that caused it
(who, from where) is taken from a context variable that
`lms.platform.middleware.AuditContextMiddleware` sets, so that signal handlers deep in
Django or allauth can record without being handed the request.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Any

from lms.models.audit import AuditAction, AuditEvent


@dataclass(frozen=True)
class RequestContext:
    user_id: int | None
    ip_address: str | None
    user_agent: str


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "lms_audit_request", default=None
)


def client_ip(request) -> str | None:
    """The client's address. Behind a proxy, set `USE_X_FORWARDED_FOR`: the address is then
    the last one in `X-Forwarded-For`, the one the proxy itself added (the ones before it
    come from the client, who can write anything there)."""
    from django.conf import settings

    if getattr(settings, "USE_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def context_from_request(request) -> RequestContext:
    user = getattr(request, "user", None)
    return RequestContext(
        user_id=user.pk if user is not None and user.is_authenticated else None,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )


def set_request_context(ctx: RequestContext | None) -> contextvars.Token:
    return _current.set(ctx)


def reset_request_context(token: contextvars.Token) -> None:
    _current.reset(token)


def audit_record(
    *,
    action: AuditAction,
    actor=None,
    actor_label: str = "",
    target=None,
    details: dict[str, Any] | None = None,
    request=None,
) -> AuditEvent:
    """Add one event to the audit log.

    `actor` defaults to the signed-in user of the current request; `target`
    is any model instance (its type, id and text are kept, so the record
    survives the object).
    """
    ctx = context_from_request(request) if request is not None else _current.get()
    actor_id = actor.pk if actor is not None else (ctx.user_id if ctx else None)
    if not actor_label and actor is not None:
        actor_label = actor.get_username()
    event = AuditEvent(
        actor_id=actor_id,
        actor_label=actor_label[:150],
        action=action,
        ip_address=ctx.ip_address if ctx else None,
        user_agent=ctx.user_agent if ctx else "",
        details=details or {},
    )
    if target is not None:
        event.object_type = target._meta.label_lower
        event.object_id = str(target.pk)
        event.object_repr = str(target)[:200]
    event.save()
    return event
