# ruff: noqa: RUF001, RUF002
"""Notifications about one's place in a session (lms.notifications: the inbox at once, e-mail
and the group robots by the workers): a place booked or a place on the waiting list, the
session moved, the waiting list moved up, the session cancelled, and the reminder the day
before.

Stored in the transaction that made the change, in each person's language; a failure of a
channel is retried and changes nothing (the place shows on the person's pages). Times are
written in the site's time zone, whatever the person's browser says.
"""

from __future__ import annotations

import datetime
import hashlib
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from courses.models.live import SessionState, SignUp, SignUpStatus, TrainingSession
from courses.notifications import (
    SESSION_BOOKED,
    SESSION_CANCELLED,
    SESSION_MOVED,
    SESSION_PROMOTED,
    SESSION_REMINDER,
)
from lms.models.accounts import StaffStatus
from lms.notifications.delivery import absolute
from lms.notifications.services import Recipient, notify, notify_each

KINDS = {"promoted": SESSION_PROMOTED, "cancelled": SESSION_CANCELLED}


def site_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def when(starts_at: datetime.datetime, ends_at: datetime.datetime) -> str:
    """ "2026-12-08 09:00–11:00" in the site's time zone (both dates when it ends on another
    day)."""
    start, end = starts_at.astimezone(site_zone()), ends_at.astimezone(site_zone())
    if start.date() == end.date():
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
    return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"


def _links(session: TrainingSession) -> tuple[str, dict]:
    """The session's page (the notification's link) and, for the templates, its calendar
    file."""
    ics = absolute(reverse("sessions:session_ics", args=[session.pk]))
    return reverse("sessions:session_detail", args=[session.pk]), {"ics_url": ics}


def _context(session: TrainingSession) -> dict:
    return {"session": session, "when": when(session.starts_at, session.ends_at)}


def notify_after_commit(kind: str, session, users) -> None:
    """Tell `users` (kind "promoted" or "cancelled"); sent once the transaction commits."""
    # A session is cancelled once; a person may be moved up again after leaving and rejoining,
    # so each move is its own event.
    key = f"session:{session.pk}"
    if kind == "promoted":
        key += f":{timezone.now().isoformat()}"
    link, extra = _links(session)
    notify(
        kind=KINDS[kind],
        people=list(users),
        key=key,
        template=f"courses/email/session_{kind}",
        context={**_context(session), **extra},
        link=link,
    )


# Booked ------------------------------------------------------------------------------------


def notify_booked(signup: SignUp, waiting_place: int | None) -> None:
    """Tell the person their place, or their place on the waiting list. Each sign-up is its
    own event: cancelling and signing up again is told again (the sign-up's time is new)."""
    session = signup.session
    link, extra = _links(session)
    notify(
        kind=SESSION_BOOKED,
        people=[signup.user],
        key=f"signup:{signup.pk}:{signup.queued_at.isoformat()}",
        template="courses/email/session_booked",
        context={**_context(session), **extra, "waiting_place": waiting_place},
        link=link,
    )


# Moved -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrangement:
    """When and where a session is: what, changed, makes it moved."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str

    @classmethod
    def of(cls, session: TrainingSession) -> Arrangement:
        return cls(session.starts_at, session.ends_at, session.place)

    @property
    def when(self) -> str:
        return when(self.starts_at, self.ends_at)

    def key(self) -> str:
        place = hashlib.sha256(self.place.encode()).hexdigest()[:12]
        return f"{self.starts_at:%Y%m%dT%H%M%z}-{self.ends_at:%Y%m%dT%H%M%z}:{place}"


def notify_moved(session: TrainingSession, before: Arrangement) -> int:
    """Tell everyone with a place or waiting that the session's time or place changed (old →
    new); nothing when neither did. Returns how many were told."""
    after = Arrangement.of(session)
    if after == before:
        return 0
    signups = SignUp.objects.filter(
        session=session, status__in=[SignUpStatus.CONFIRMED, SignUpStatus.WAITING]
    ).select_related("user__profile")
    link, extra = _links(session)
    common = {
        **_context(session),
        **extra,
        "before": before,
        "after": after,
        "time_changed": (before.starts_at, before.ends_at) != (after.starts_at, after.ends_at),
        "place_changed": before.place != after.place,
    }
    told = notify_each(
        kind=SESSION_MOVED,
        # The new time and place, and the moment: moved twice, or there and back, is told
        # each time.
        key=f"session:{session.pk}:moved:{after.key()}:{timezone.now().timestamp():.6f}",
        recipients=[
            Recipient(
                signup.user,
                link,
                {**common, "waiting": signup.status == SignUpStatus.WAITING},
            )
            for signup in signups
        ],
        template="courses/email/session_moved",
    )
    return len(told)


# The day before ----------------------------------------------------------------------------


def sessions_tomorrow(on: datetime.date):
    """The scheduled sessions that start on the day after `on` (the site's time zone)."""
    zone = site_zone()
    tomorrow = on + datetime.timedelta(days=1)
    start = datetime.datetime.combine(tomorrow, datetime.time.min, tzinfo=zone)
    end = start + datetime.timedelta(days=1)
    return TrainingSession.objects.filter(
        state=SessionState.SCHEDULED, starts_at__gte=start, starts_at__lt=end
    )


# People still with the company (leavers are skipped by notify_each as well).
_STILL_HERE = Q(user__is_active=True) & (
    Q(user__profile__isnull=True) | Q(user__profile__status=StaffStatus.ACTIVE)
)


def session_reminders_send(*, on: datetime.date | None = None) -> int:
    """Remind everyone with a place in a session that starts tomorrow; once per session and
    start date (a session moved to another day is reminded of again). Safe to run twice, or on
    two machines at once: a person is told of an event once (the notification's key).
    Returns how many people were told now."""
    on = on or timezone.localdate(timezone=site_zone())
    sessions = {s.pk: s for s in sessions_tomorrow(on).select_related("trainer__profile")}
    if not sessions:
        return 0
    by_session: dict[int, list[SignUp]] = {pk: [] for pk in sessions}
    for signup in (
        SignUp.objects.filter(
            _STILL_HERE, session_id__in=list(sessions), status=SignUpStatus.CONFIRMED
        )
        .select_related("user__profile")
        .order_by("session_id", "queued_at", "pk")
    ):
        by_session[signup.session_id].append(signup)
    told = 0
    for pk, signups in by_session.items():
        if not signups:
            continue
        session = sessions[pk]
        link, extra = _links(session)
        context = {**_context(session), **extra}
        day = session.starts_at.astimezone(site_zone()).date()
        told += len(
            notify_each(
                kind=SESSION_REMINDER,
                key=f"session:{pk}:reminder:{day.isoformat()}",
                recipients=[Recipient(signup.user, link, context) for signup in signups],
                template="courses/email/session_reminder",
            )
        )
    return told
