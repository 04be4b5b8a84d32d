"""Writes of notifications: `notify`, delivering over a channel, reading, preferences.

`notify` stores one Notification per person (unique on person, kind and key: a second call for
the same event changes nothing) with one Delivery per external channel the person gets; once the
caller's transaction commits, a task delivers them (lms.notifications.delivery). The inbox shows
it at once.
"""

from __future__ import annotations

import logging

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
    spec = registry.get(kind)
    created = []
    for person in people:
        if not person.is_active:
            continue
        if template:
            with translation.override(person.language or settings.LANGUAGE_CODE):
                data = {**(context or {}), "user": person, "url": absolute(link)}
                subject = " ".join(render_to_string(f"{template}_subject.txt", data).split())
                body = render_to_string(f"{template}_body.txt", data)
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    person=person,
                    kind=kind,
                    key=key[:200],
                    subject=subject[:300],
                    body=body,
                    link=link,
                    urgent=spec.urgent,
                )
                Delivery.objects.bulk_create(
                    Delivery(notification=notification, channel=channel)
                    for channel in channels_for(person, spec)
                    if channel != registry.INBOX
                )
        except IntegrityError:
            continue  # this person was told about this event already
        created.append(notification)
        selectors.refresh_unread(person.pk)
    ids = [n.pk for n in created if n.deliveries.exists()]
    if ids:
        transaction.on_commit(lambda: deliver_notifications.enqueue(ids))
    return created


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
