"""Live sessions as iCalendar files (RFC 5545), for a phone's or a desktop's calendar.

Each session is one event whose UID never changes, so that importing the file again (or
subscribing to "my sessions") updates the event instead of adding a second one; a
cancelled session is sent as STATUS:CANCELLED so that calendars strike it out.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from courses.models.live import SessionState, SignUp, SignUpStatus, TrainingSession

PRODID = "-//Courier training//Live sessions//ZH"


def _domain() -> str:
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "localhost"


def session_uid(session: TrainingSession) -> str:
    return f"training-session-{session.pk}@{_domain()}"


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def _organizer(session: TrainingSession) -> vCalAddress:
    trainer = session.trainer
    address = vCalAddress(f"mailto:{trainer.email or settings.DEFAULT_FROM_EMAIL}")
    address.params["cn"] = vText(trainer.display_name)
    return address


def session_event(
    session: TrainingSession, *, url: str = "", signup: SignUp | None = None
) -> Event:
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", _utc(timezone.now()))
    event.add("dtstart", _utc(session.starts_at))
    event.add("dtend", _utc(session.ends_at))
    event.add("summary", session.title)
    event.add("location", session.place)
    description = "\n\n".join(part for part in (session.description.strip(), url) if part)
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    event.add("organizer", _organizer(session))
    if session.state == SessionState.CANCELLED:
        event.add("status", "CANCELLED")
    elif signup is not None and signup.status == SignUpStatus.WAITING:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    return event


def sessions_calendar(
    entries: Iterable[tuple[TrainingSession, SignUp | None]],
    *,
    name: str,
    url_for: Callable[[TrainingSession], str] = lambda session: "",
) -> bytes:
    """The calendar file for these sessions (each with the person's sign-up, if any)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for session, signup in entries:
        calendar.add_component(session_event(session, url=url_for(session), signup=signup))
    return calendar.to_ical()
