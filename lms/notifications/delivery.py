"""Delivering notifications over the external channels: e-mail, DingTalk's and WeCom's group
robots (the robot of the person's org unit at the time of sending, else the nearest above it,
else the company's: lms.notifications.robots). A channel that fails is tried again with
back-off (`LMS_NOTIFY_MAX_ATTEMPTS` tries in all) by `manage.py notifications_send` (cron,
every few minutes); during the company's quiet hours (`LMS_NOTIFY_QUIET_HOURS`, the site's
time zone) a non-urgent message waits for their end.

E-mail goes over one connection to the mail server for a run of deliveries (`Mailer`), not a
connection per message: a relay's handshake (TLS and login included) costs more than the
message, and a cycle's results are thousands of messages.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import smtplib
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from lms.models import Delivery, DeliveryState, Notification
from lms.notifications import payloads, registry, selectors
from lms.notifications.robots import ROBOT_CHANNELS, Robot, RobotDirectory
from lms.platform.cache import window_count

log = logging.getLogger(__name__)


def absolute(link: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + link


def max_attempts() -> int:
    return int(getattr(settings, "LMS_NOTIFY_MAX_ATTEMPTS", 6))


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the n-th failed try: 1, 2, 4, 8... minutes, at most 2 hours."""
    base = float(getattr(settings, "LMS_NOTIFY_RETRY_SECONDS", 60))
    return datetime.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 7200))


def quiet_until(now: datetime.datetime) -> datetime.datetime | None:
    """The end of the quiet hours when `now` is in them (the site's time zone), else None."""
    spec = getattr(settings, "LMS_NOTIFY_QUIET_HOURS", "")
    local = timezone.localtime(now)
    minute = local.hour * 60 + local.minute
    if not payloads.in_quiet_hours(spec, minute):
        return None
    _start, end = payloads.quiet_window(spec)
    ends = local.replace(hour=end // 60, minute=end % 60, second=0, microsecond=0)
    if ends <= local:
        ends += datetime.timedelta(days=1)
    return ends


# Delivering -------------------------------------------------------------------------------


def _due_q(now) -> Q:
    return Q(state__in=[DeliveryState.PENDING, DeliveryState.RETRYING]) & (
        Q(next_try_at__isnull=True) | Q(next_try_at__lte=now)
    )


def deliveries_due(*, now=None, notification_ids=None):
    now = now or timezone.now()
    found = Delivery.objects.filter(_due_q(now))
    if notification_ids is not None:
        found = found.filter(notification_id__in=notification_ids)
    return found.select_related("notification__person__profile__org_unit").order_by("pk")


def deliver_due(*, now=None, notification_ids=None) -> int:
    """Try every delivery that is due; the number sent."""
    sent = 0
    robots = None
    with Mailer() as mailer:
        for delivery in deliveries_due(now=now, notification_ids=notification_ids):
            if robots is None and delivery.channel in ROBOT_CHANNELS:
                robots = selectors.robot_directory()  # once for the lot
            sent += deliver(delivery, now=now, robots=robots, mailer=mailer)
    return sent


class Mailer:
    """One connection to the mail server (EMAIL_BACKEND) for many e-mails: opened with the
    first, closed at the end of the run. A connection that fails is dropped, and the next
    e-mail opens a new one.

    Relays close a connection after so many messages, or after a while: a message refused
    at its start (MAIL FROM) or cut off by the closed connection on a connection that has
    already carried messages is sent once more, on a new one. Any other failure is the
    delivery's (recorded, tried again later)."""

    def __init__(self):
        self.connection = None
        self.carried = 0  # messages sent over the open connection

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def send(self, message: EmailMessage) -> None:
        reused = self.carried > 0
        try:
            self._send(message)
        except (smtplib.SMTPSenderRefused, smtplib.SMTPServerDisconnected):
            if not reused:
                raise
            self._send(message)  # the old connection is closed: on a new one

    def _send(self, message: EmailMessage) -> None:
        if self.connection is None:
            connection = get_connection()
            connection.open()
            self.connection = connection
        message.connection = self.connection
        try:
            message.send()
        except Exception:
            self.close()
            raise
        self.carried += 1

    def close(self) -> None:
        connection, self.connection, self.carried = self.connection, None, 0
        if connection is not None:
            try:
                connection.close()
            except Exception:  # a connection already broken has nothing left to close
                log.debug("Closing the mail connection failed", exc_info=True)


class NoRobot(Exception):
    """No group robot reaches the person any more (their unit's was removed, say)."""


def deliver(
    delivery: Delivery,
    *,
    now=None,
    robots: RobotDirectory | None = None,
    mailer: Mailer,
) -> bool:
    """Send one delivery, if it is still due and no other worker took it; record the outcome.
    E-mail goes over `mailer`'s connection."""
    now = now or timezone.now()
    notification = delivery.notification
    if not notification.urgent and (until := quiet_until(now)):
        Delivery.objects.filter(pk=delivery.pk).filter(_due_q(now)).update(next_try_at=until)
        return False
    robot = None
    if delivery.channel in ROBOT_CHANNELS:
        # The person's unit now: they may have moved since they were told.
        robots = robots or selectors.robot_directory()
        robot = robots.robot(delivery.channel, selectors.unit_path_of(notification.person))
        if robot is not None and (until := _robot_busy_until(robot, now)):
            Delivery.objects.filter(pk=delivery.pk).filter(_due_q(now)).update(next_try_at=until)
            return False
    # Claim it: a concurrent worker that read the same row finds it taken.
    claimed = (
        Delivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts)
        .filter(_due_q(now))
        .update(attempts=delivery.attempts + 1, next_try_at=now + datetime.timedelta(minutes=10))
    )
    if not claimed:
        return False
    attempts = delivery.attempts + 1
    try:
        _send(delivery.channel, notification, robot, mailer)
    except Exception as error:  # any failure of a channel is recorded and retried
        log.warning("Notification %s over %s failed: %s", notification.pk, delivery.channel, error)
        # Without a robot, trying again changes nothing: failed at once, for an administrator
        # to see (and try again once the unit has a robot).
        failed = attempts >= max_attempts() or isinstance(error, NoRobot)
        Delivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.FAILED if failed else DeliveryState.RETRYING,
            next_try_at=None if failed else now + backoff(attempts),
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        return False
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.SENT, sent_at=timezone.now(), next_try_at=None
    )
    return True


def robot_per_minute() -> int:
    return int(getattr(settings, "LMS_ROBOT_PER_MINUTE", 20))


def _robot_busy_until(robot: Robot, now) -> datetime.datetime | None:
    """When `robot` has posted its `LMS_ROBOT_PER_MINUTE` messages this minute (DingTalk and
    WeCom take 20 a minute and refuse the rest), the start of the next minute: the message
    waits for it, no try spent. A cycle's results for a station go out paced, not refused."""
    minute = int(now.timestamp() // 60)
    digest = hashlib.sha256(robot.webhook.encode()).hexdigest()[:16]
    if window_count(f"robot-rate:{digest}:{minute}", 90) <= robot_per_minute():
        return None
    return datetime.datetime.fromtimestamp((minute + 1) * 60, tz=datetime.UTC)


def _message(notification: Notification, *, robot: bool = False) -> payloads.Message:
    person = notification.person
    profile = getattr(person, "profile", None)
    kind = registry.find(notification.kind)
    with translation.override(person.language or settings.LANGUAGE_CODE):
        label = gettext("Open")
        link = absolute(notification.link)
        line = gettext("Open: %(link)s") % {"link": link}
        subject, body = notification.subject, notification.body
        if robot and kind is not None and kind.private:
            subject = gettext("A message for you on the training site")
            body = gettext("It is in your inbox: only you can read it there.")
    return payloads.Message(
        subject=subject,
        body=body,
        link=link,
        link_label=label,
        link_line=line,
        mobile=(profile.phone if profile else "") or "",
    )


def _send(channel: str, notification: Notification, robot: Robot | None, mailer: Mailer) -> None:
    """Send over `channel`; for a robot channel, `robot` is the one that reaches the person
    (None: none does); e-mail through `mailer`."""
    if channel == registry.EMAIL:
        body = notification.body
        link = absolute(notification.link)
        if link and link not in body:
            body = f"{body.rstrip()}\n\n{link}\n"
        mailer.send(EmailMessage(notification.subject, body, None, [notification.person.email]))
    elif channel in ROBOT_CHANNELS:
        if robot is None:
            raise NoRobot(f"no {channel} robot for this person's org unit or the company")
        robot_send(robot, _message(notification, robot=True))
    else:
        raise ValueError(f"unknown channel {channel!r}")


def robot_send(robot: Robot, message: payloads.Message) -> dict:
    """Post `message` to a group robot (DingTalk's signed); its answer. Raises when the robot
    does not take it."""
    if robot.channel == registry.DINGTALK:
        url = payloads.dingtalk_url(robot.webhook, robot.secret, int(time.time() * 1000))
        return _post(url, payloads.dingtalk_payload(message))
    return _post(robot.webhook, payloads.wecom_payload(message))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A robot answers where it was asked: a redirect (to an address inside the company's
    network, say) is not followed but is the robot's answer, a failure ("HTTP 302")."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(url: str, payload: dict) -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with _opener.open(request, timeout=10) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        answer = json.loads(raw or b"null")
    except ValueError:
        answer = None
    ok, problem = payloads.robot_answer_ok(status, answer)
    if not ok:
        raise RuntimeError(problem)
    return answer
