"""Writes of notifications: `notify`, delivering over a channel, reading, preferences, the
group robots of the org units.

`notify` stores one Notification per person (unique on person, kind and key: a second call for
the same event changes nothing) with one Delivery per external channel the person gets; once the
caller's transaction commits, a task delivers them (lms.notifications.delivery). The inbox shows
it at once.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms.audit import audit_record
from lms.models import (
    Delivery,
    DeliveryState,
    Notification,
    NotificationPreference,
    OrgUnit,
    UnitRobots,
)
from lms.models.audit import AuditAction
from lms.notifications import payloads, registry, selectors
from lms.notifications.delivery import absolute, robot_send
from lms.notifications.robots import (
    DEFAULT_HOSTS,
    ROBOT_CHANNELS,
    Robot,
    RobotDirectory,
    webhook_problem,
)
from lms.notifications.tasks import deliver_notifications

log = logging.getLogger(__name__)

EXTERNAL = (registry.EMAIL, registry.DINGTALK, registry.WECOM)


# Settings ---------------------------------------------------------------------------------


def _wanted() -> set[str]:
    return set(getattr(settings, "LMS_NOTIFY_CHANNELS", [registry.INBOX, registry.EMAIL]))


def enabled_channels(directory: RobotDirectory | None = None) -> tuple[str, ...]:
    """The channels the company enabled (LMS_NOTIFY_CHANNELS), a robot channel only when some
    robot exists (the company-wide one or an org unit's); the inbox always."""
    wanted = _wanted()
    if directory is None and wanted & set(ROBOT_CHANNELS):
        directory = selectors.robot_directory()
    return tuple(
        c
        for c in registry.CHANNELS
        if c == registry.INBOX
        or (c in wanted and (c not in ROBOT_CHANNELS or directory.exists(c)))
    )


# Choosing channels -------------------------------------------------------------------------


def default_channels(kind: registry.Kind) -> tuple[str, ...]:
    """The channels `kind` goes out on until a person chooses: the company's
    (LMS_NOTIFY_DEFAULTS), else the product's."""
    return getattr(settings, "LMS_NOTIFY_DEFAULTS", {}).get(kind.name, kind.channels)


def channels_for(
    person, kind: registry.Kind, choices: dict | None = None, robots: frozenset | None = None
) -> list[str]:
    """The channels `person` gets `kind` on: the kind's defaults, changed by the person's
    choices, within what the company enabled; a robot channel only when a robot reaches the
    person (`robots`, from `selectors.robot_channels_for`: looked up when not given). The
    inbox is always one."""
    if choices is None:
        choices = {
            (c.kind, c.channel): c.enabled
            for c in NotificationPreference.objects.filter(person=person, kind=kind.name)
        }
    wanted = _wanted()
    if robots is None:
        robots = selectors.robot_channels_for(person) if wanted & set(ROBOT_CHANNELS) else ()
    chosen = [registry.INBOX]
    for channel in registry.CHANNELS:
        if channel == registry.INBOX or channel not in wanted:
            continue
        if channel in ROBOT_CHANNELS and channel not in robots:
            continue
        if channel == registry.EMAIL and not person.email:
            continue
        if choices.get((kind.name, channel), channel in default_channels(kind)):
            chosen.append(channel)
    return chosen


def channels_offered(person) -> tuple[list[str], frozenset[str]]:
    """The external channels `person` may choose among (a robot channel only when a robot
    reaches them), and the robot channels that do (for `channels_for`)."""
    wanted = _wanted()
    directory = selectors.robot_directory() if wanted & set(ROBOT_CHANNELS) else None
    robots = selectors.robot_channels_for(person, directory) if directory else frozenset()
    offered = [
        c
        for c in registry.CHANNELS
        if c != registry.INBOX and c in wanted and (c not in ROBOT_CHANNELS or c in robots)
    ]
    return offered, robots


def preferences_set(*, person, choices: dict[tuple[str, str], bool]) -> None:
    """Store the person's choice for each (kind, channel) given."""
    with transaction.atomic():
        for (kind, channel), enabled in choices.items():
            registry.get(kind)
            NotificationPreference.objects.update_or_create(
                person=person, kind=kind, channel=channel, defaults={"enabled": enabled}
            )


# notify -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """One person told about an event, with what is theirs only: the link to their own
    thing and more for the templates."""

    person: object
    link: str = ""
    context: dict = field(default_factory=dict)


def notify(
    *,
    kind: str,
    people,
    key: str,
    subject: str = "",
    body: str = "",
    template: str = "",
    context: dict | None = None,
    link: str = "",
) -> list[Notification]:
    """Tell `people` about one event, at most once each (`key` names the event).

    Either `subject` and `body` (already in the people's language) or `template`: the
    templates `<template>_subject.txt` and `<template>_body.txt` rendered in each person's
    language with `context`, `user` (the person) and `url` (the link, absolute).
    Returns the notifications created now (none for people already told)."""
    return notify_each(
        kind=kind,
        key=key,
        recipients=[Recipient(person, link, context or {}) for person in people],
        subject=subject,
        body=body,
        template=template,
    )


BATCH = 500


def notify_each(
    *,
    kind: str,
    key: str,
    recipients,
    subject: str = "",
    body: str = "",
    template: str = "",
) -> list[Notification]:
    """`notify` for many people at once, each with their own link and context (a cycle's
    results, a course assigned to a whole station): a few queries per 500 people, not a few
    per person. People already told about `key` are skipped, as are leavers."""
    spec = registry.get(kind)
    key = key[:200]
    chosen: dict[int, Recipient] = {}
    for recipient in recipients:
        if recipient.person.is_active:
            chosen.setdefault(recipient.person.pk, recipient)
    created: list[Notification] = []
    ids = list(chosen)
    # Every robot, read once: each person's is found by their org unit's path, no query each.
    directory = selectors.robot_directory() if _wanted() & set(ROBOT_CHANNELS) else None
    for start in range(0, len(ids), BATCH):
        batch = [chosen[pk] for pk in ids[start : start + BATCH]]
        created += _notify_batch(spec, key, batch, subject, body, template, directory)
    if created:
        _refresh_unread_many([n.person_id for n in created])
    to_send = [n.pk for n in created if n.delivery_count]
    for start in range(0, len(to_send), BATCH):
        chunk = to_send[start : start + BATCH]
        transaction.on_commit(lambda chunk=chunk: deliver_notifications.enqueue(chunk))
    return created


def _notify_batch(spec, key, batch, subject, body, template, directory) -> list[Notification]:
    person_ids = [r.person.pk for r in batch]
    told = set(
        Notification.objects.filter(kind=spec.name, key=key, person_id__in=person_ids).values_list(
            "person_id", flat=True
        )
    )
    batch = [r for r in batch if r.person.pk not in told]
    if not batch:
        return []
    choices: dict[int, dict] = {}
    for choice in NotificationPreference.objects.filter(
        person_id__in=[r.person.pk for r in batch], kind=spec.name
    ):
        choices.setdefault(choice.person_id, {})[(choice.kind, choice.channel)] = choice.enabled
    paths = {}
    if directory is not None and directory.per_unit:
        paths = selectors.unit_paths_of(r.person.pk for r in batch)
    notifications, channels = [], []
    for recipient in batch:
        notification = _written(spec, key, recipient, subject, body, template)
        notifications.append(notification)
        robots = directory.channels(paths.get(recipient.person.pk)) if directory else ()
        wanted = channels_for(
            recipient.person, spec, choices.get(recipient.person.pk, {}), robots=robots
        )
        channels.append([c for c in wanted if c != registry.INBOX])
    try:
        with transaction.atomic():
            Notification.objects.bulk_create(notifications)
            Delivery.objects.bulk_create(
                Delivery(notification=notification, channel=channel)
                for notification, wanted in zip(notifications, channels, strict=True)
                for channel in wanted
            )
    except IntegrityError:
        # Another process told some of them meanwhile: one at a time, skipping those.
        return _notify_one_by_one(notifications, channels)
    for notification, wanted in zip(notifications, channels, strict=True):
        notification.delivery_count = len(wanted)
    return notifications


def _notify_one_by_one(notifications, channels) -> list[Notification]:
    created = []
    for notification, wanted in zip(notifications, channels, strict=True):
        notification.pk = None
        try:
            with transaction.atomic():
                notification.save()
                Delivery.objects.bulk_create(
                    Delivery(notification=notification, channel=c) for c in wanted
                )
        except IntegrityError:
            continue  # this person was told about this event already
        notification.delivery_count = len(wanted)
        created.append(notification)
    return created


def _written(spec, key, recipient: Recipient, subject, body, template) -> Notification:
    person = recipient.person
    if template:
        with translation.override(person.language or settings.LANGUAGE_CODE):
            data = {**recipient.context, "user": person, "url": absolute(recipient.link)}
            subject = " ".join(render_to_string(f"{template}_subject.txt", data).split())
            body = render_to_string(f"{template}_body.txt", data)
    return Notification(
        person=person,
        kind=spec.name,
        key=key,
        subject=subject[:300],
        body=body,
        link=recipient.link,
        urgent=spec.urgent,
    )


def _refresh_unread_many(person_ids) -> None:
    for start in range(0, len(person_ids), BATCH):
        selectors.refresh_unread_many(person_ids[start : start + BATCH])


# Reading ----------------------------------------------------------------------------------


def mark_read(*, person, notification_id: int) -> None:
    Notification.objects.filter(pk=notification_id, person=person, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    selectors.refresh_unread(person.pk)


def mark_all_read(*, person) -> int:
    count = Notification.objects.filter(person=person, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    selectors.refresh_unread(person.pk)
    return count


def retry_now(*, delivery: Delivery) -> None:
    """An administrator asks for a failed delivery (or one waiting for its next try) to be
    tried again. One sent, or not tried yet, is left as it is (ValidationError): trying it
    again would send the message a second time."""
    troubled = [DeliveryState.FAILED, DeliveryState.RETRYING]
    updated = Delivery.objects.filter(pk=delivery.pk, state__in=troubled).update(
        state=DeliveryState.RETRYING, attempts=0, next_try_at=None
    )
    if not updated:
        raise ValidationError(
            _(
                "This delivery has not failed (it was sent, or is still to be tried): nothing to "
                "try again."
            ),
            code="not_failed",
        )
    transaction.on_commit(lambda: deliver_notifications.enqueue([delivery.notification_id]))


# Group robots of the org units -------------------------------------------------------------


def robot_hosts() -> list[str]:
    """The hosts a robot's webhook may point at (LMS_ROBOT_HOSTS)."""
    return list(getattr(settings, "LMS_ROBOT_HOSTS", DEFAULT_HOSTS))


def robot_webhook_check(channel: str, url: str) -> None:
    """ValidationError unless `url` is a webhook of `channel`'s group robot on an allowed
    host."""
    problem = webhook_problem(channel, url, robot_hosts())
    if not problem:
        return
    example = {
        registry.DINGTALK: "https://oapi.dingtalk.com/robot/send?access_token=…",
        registry.WECOM: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
    }[channel]
    messages = {
        "not_a_url": _("Paste the robot's whole webhook URL, e.g. %(example)s."),
        "host": _("The webhook must be on %(hosts)s (the setting LMS_ROBOT_HOSTS)."),
        "https": _("The webhook must start with https://."),
        "address": _(
            "The webhook must be the robot's address alone: no user name, password or port "
            "before its path."
        ),
        "shape": _("This is not the robot's webhook: it looks like %(example)s."),
    }
    raise ValidationError(
        messages[problem] % {"example": example, "hosts": ", ".join(robot_hosts())},
        code=problem,
    )


def robot_secret_check(secret: str) -> None:
    if not secret.startswith("SEC"):
        raise ValidationError(
            _(
                "DingTalk's signing secret starts with SEC (Security settings → Additional "
                "signature)."
            ),
            code="secret",
        )
    if any(ch.isspace() or not ch.isprintable() for ch in secret):
        raise ValidationError(
            _("DingTalk's signing secret is one word: no spaces, tabs or line breaks in it."),
            code="secret",
        )


@dataclass(frozen=True)
class RobotChange:
    """What an administrator asks of a unit's robots: a blank value keeps the old one."""

    dingtalk_webhook: str = ""
    dingtalk_secret: str = ""
    dingtalk_remove: bool = False
    wecom_webhook: str = ""
    wecom_remove: bool = False


@transaction.atomic
def unit_robots_change(*, unit: OrgUnit, change: RobotChange, by) -> list[str]:
    """Set or remove the group robots of `unit`; what changed, as codes such as
    "dingtalk.webhook", "dingtalk.secret", "wecom.removed" (kept in the audit log, never the
    values)."""
    robots = UnitRobots.objects.select_for_update().filter(unit=unit).first()
    robots = robots or UnitRobots(unit=unit)
    changed: list[str] = []
    errors: dict[str, list] = {}

    def take(field: str, value: str, check) -> None:
        value = value.strip()
        if not value or value == getattr(robots, field):
            return
        try:
            # What the column holds at most, whoever calls: too long is refused, not cut.
            MaxLengthValidator(UnitRobots._meta.get_field(field).max_length)(value)
            check(value)
        except ValidationError as error:
            errors[field] = error.messages
            return
        setattr(robots, field, value)
        changed.append(field.replace("_", ".", 1))

    if change.dingtalk_remove:
        if robots.dingtalk_webhook or robots.dingtalk_secret:
            robots.dingtalk_webhook = robots.dingtalk_secret = ""
            changed.append("dingtalk.removed")
    else:
        take(
            "dingtalk_webhook",
            change.dingtalk_webhook,
            lambda v: robot_webhook_check(registry.DINGTALK, v),
        )
        take("dingtalk_secret", change.dingtalk_secret, robot_secret_check)
        if robots.dingtalk_secret and not robots.dingtalk_webhook:
            errors.setdefault("dingtalk_webhook", []).append(
                _("Give the robot's webhook with its secret.")
            )
    if change.wecom_remove:
        if robots.wecom_webhook:
            robots.wecom_webhook = ""
            changed.append("wecom.removed")
    else:
        take(
            "wecom_webhook", change.wecom_webhook, lambda v: robot_webhook_check(registry.WECOM, v)
        )
    if errors:
        raise ValidationError(errors)
    if not changed:
        return []
    if robots.dingtalk_webhook or robots.wecom_webhook:
        robots.save()
    elif robots.pk:
        robots.delete()
    audit_record(
        action=AuditAction.ORG_ROBOTS_CHANGED, actor=by, target=unit, details={"changed": changed}
    )
    return changed


@dataclass(frozen=True)
class RobotTest:
    robot: Robot | None  # None: no robot reaches this unit
    ok: bool = False
    answer: str = ""  # what the robot answered, or the error


def robot_test_send(*, unit: OrgUnit, channel: str, by) -> RobotTest:
    """Send a test message now through the robot that reaches the staff of `unit` (its own,
    else the nearest above it, else the company's); what the robot answered. A message sent
    (taken or not) is in the audit log: it went into a group chat in the company's name."""
    robot = selectors.robot_directory().robot(channel, unit.path)
    if robot is None:
        return RobotTest(None)
    result = _robot_test(robot, unit, by)
    audit_record(
        action=AuditAction.ORG_ROBOT_TESTED,
        actor=by,
        target=unit,
        details={
            "channel": channel,
            "robot": robot.unit_name or "company",
            "ok": result.ok,  # not the answer: an error may quote the webhook's token
        },
    )
    return result


def _robot_test(robot: Robot, unit: OrgUnit, by) -> RobotTest:
    profile = getattr(by, "profile", None)
    message = payloads.Message(
        subject=_("Test message from %(site)s") % {"site": settings.SITE_TITLE},
        body=_(
            "This robot reaches the staff of %(unit)s. %(name)s sent this test from the org "
            "unit's page."
        )
        % {"unit": "/".join(unit.full_path_names()), "name": by.display_name},
        link=absolute(reverse("lms:org_unit_robots", args=[unit.code])),
        link_label=_("Open"),
        mobile=(profile.phone if profile else "") or "",
    )
    try:
        answer = robot_send(robot, message)
    except Exception as error:  # the administrator is shown whatever went wrong
        return RobotTest(robot, False, f"{type(error).__name__}: {error}"[:500])
    return RobotTest(robot, True, json.dumps(answer, ensure_ascii=False)[:500])
