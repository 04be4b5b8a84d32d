"""Writes of notifications: `notify`, delivering over a channel, reading, preferences.

`notify` stores one Notification per person (unique on person, kind and key: a second call for
the same event changes nothing) with one Delivery per external channel the person gets; once the
caller's transaction commits, a task delivers them (lms.notifications.delivery). The inbox shows
it at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from lms.models import Delivery, DeliveryState, Notification, NotificationPreference
from lms.notifications import registry, selectors
from lms.notifications.delivery import absolute
from lms.notifications.tasks import deliver_notifications

log = logging.getLogger(__name__)

EXTERNAL = (registry.EMAIL, registry.DINGTALK, registry.WECOM)


# Settings ---------------------------------------------------------------------------------


def enabled_channels() -> tuple[str, ...]:
    """The channels the company enabled (LMS_NOTIFY_CHANNELS), a robot only with its webhook;
    the inbox always."""
    wanted = set(getattr(settings, "LMS_NOTIFY_CHANNELS", [registry.INBOX, registry.EMAIL]))
    configured = {
        registry.INBOX: True,
        registry.EMAIL: True,
        registry.DINGTALK: bool(getattr(settings, "LMS_DINGTALK_WEBHOOK", "")),
        registry.WECOM: bool(getattr(settings, "LMS_WECOM_WEBHOOK", "")),
    }
    return tuple(
        c for c in registry.CHANNELS if c == registry.INBOX or (c in wanted and configured[c])
    )


# Choosing channels -------------------------------------------------------------------------


def channels_for(person, kind: registry.Kind, choices: dict | None = None) -> list[str]:
    """The channels `person` gets `kind` on: the kind's defaults, changed by the person's
    choices, within what the company enabled. The inbox is always one."""
    if choices is None:
        choices = {
            (c.kind, c.channel): c.enabled
            for c in NotificationPreference.objects.filter(person=person, kind=kind.name)
        }
    chosen = [registry.INBOX]
    for channel in enabled_channels():
        if channel == registry.INBOX:
            continue
        if choices.get((kind.name, channel), channel in kind.channels):
            if channel == registry.EMAIL and not person.email:
                continue
            chosen.append(channel)
    return chosen


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
    for start in range(0, len(ids), BATCH):
        batch = [chosen[pk] for pk in ids[start : start + BATCH]]
        created += _notify_batch(spec, key, batch, subject, body, template)
    if created:
        _refresh_unread_many([n.person_id for n in created])
    to_send = [n.pk for n in created if n.delivery_count]
    for start in range(0, len(to_send), BATCH):
        chunk = to_send[start : start + BATCH]
        transaction.on_commit(lambda chunk=chunk: deliver_notifications.enqueue(chunk))
    return created


def _notify_batch(spec, key, batch, subject, body, template) -> list[Notification]:
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
    notifications, channels = [], []
    for recipient in batch:
        notification = _written(spec, key, recipient, subject, body, template)
        notifications.append(notification)
        wanted = channels_for(recipient.person, spec, choices.get(recipient.person.pk, {}))
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
    """An administrator asks for a failed delivery to be tried again."""
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.RETRYING, attempts=0, next_try_at=None
    )
    transaction.on_commit(lambda: deliver_notifications.enqueue([delivery.notification_id]))
