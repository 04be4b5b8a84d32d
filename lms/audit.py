"""Writing to the audit log.

`audit_record` is the one way to add an event. The request that caused it
(who, from where) is taken from a context variable that
`lms.platform.middleware.AuditContextMiddleware` sets, so that signal handlers deep in
Django or allauth can record without being handed the request.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from lms.models.audit import AuditAction, AuditEvent, PersonalRecord
from lms.roles import roles_of


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
    subject=None,
    details: dict[str, Any] | None = None,
    request=None,
) -> AuditEvent:
    """Add one event to the audit log.

    `actor` defaults to the signed-in user of the current request; `target`
    is any model instance (its type, id and text are kept, so the record
    survives the object); `subject` is the person whose data it is (their
    employee number is kept too, should the account go).
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
    if subject is not None:
        event.subject_id = subject.pk
        event.subject_label = subject.get_username()[:150]
    if target is not None:
        event.object_type = target._meta.label_lower
        event.object_id = str(target.pk)
        event.object_repr = str(target)[:200]
    event.save()
    return event


# Personal data ----------------------------------------------------------------------------


def _viewer_details(request, record: PersonalRecord, details: dict | None) -> dict:
    # The viewer's roles at the time; the permission checks before have read them already.
    roles = sorted(role.value for role in roles_of(request.user))
    return {"record": record.value, "roles": roles, **(details or {})}


def personal_viewed(
    *, request, subject, record: PersonalRecord, target=None, details: dict | None = None
) -> AuditEvent | None:
    """Someone looked at another person's record. One's own records are not logged."""
    if subject is None or subject.pk == request.user.pk:
        return None
    return audit_record(
        action=AuditAction.PERSONAL_VIEWED,
        subject=subject,
        target=target,
        details=_viewer_details(request, record, details),
        request=request,
    )


def personal_downloaded(
    *, request, subject, record: PersonalRecord, target=None, details: dict | None = None
) -> AuditEvent | None:
    """Someone downloaded a file of another person's. One's own downloads are not logged."""
    if subject is None or subject.pk == request.user.pk:
        return None
    return audit_record(
        action=AuditAction.PERSONAL_EXPORTED,
        subject=subject,
        target=target,
        details=_viewer_details(request, record, {"people": 1, **(details or {})}),
        request=request,
    )


def personal_listed(
    *, request, record: PersonalRecord, people: int, scope: dict, target=None
) -> AuditEvent:
    """A page that shows several people's records: one event naming its scope and how many
    people it showed."""
    return audit_record(
        action=AuditAction.PERSONAL_VIEWED,
        target=target,
        details=_viewer_details(request, record, {"scope": scope, "people": people}),
        request=request,
    )


def personal_exported(
    *,
    request,
    record: PersonalRecord,
    scope: dict,
    people: int,
    target=None,
    subject=None,
) -> AuditEvent:
    """A file with personal data left the system: one event per file, naming its scope and
    how many people are in it (and the person, when it is about one)."""
    return audit_record(
        action=AuditAction.PERSONAL_EXPORTED,
        target=target,
        subject=subject,
        details=_viewer_details(request, record, {"scope": scope, "people": people}),
        request=request,
    )


def audited_rows(
    rows: Iterable,
    *,
    request,
    record: PersonalRecord,
    scope: dict,
    target=None,
    person: Callable[[Any], Any] = itemgetter(0),
) -> Iterator:
    """`rows` as they are written to an export, then one `personal.exported` event with the
    number of different people in them (`person` gives a row's person, by default its first
    cell, the employee number). A streamed download cut short is logged with what was sent.
    """
    people = set()

    def record_export():
        personal_exported(
            request=request, record=record, scope=scope, people=len(people), target=target
        )

    try:
        for row in rows:
            people.add(person(row))
            yield row
    except GeneratorExit:
        record_export()
        raise
    record_export()
