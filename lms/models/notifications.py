"""Notifications: what the product tells a person, and its delivery over each channel."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    INBOX = "inbox", _("Inbox")
    EMAIL = "email", _("E-mail")
    DINGTALK = "dingtalk", _("DingTalk")
    WECOM = "wecom", _("WeCom")


class Notification(models.Model):
    """One message to one person about one event, at most once: (person, kind, key) is unique.

    It is the inbox entry too: `read_at` is set when the person reads it."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=64)
    key = models.CharField(_("key"), max_length=200)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "key"], name="notification_once_per_event"
            )
        ]
        indexes = [models.Index(fields=["person", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.subject


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Retrying")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """A notification sent over one external channel (the inbox needs none)."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_try_at = models.DateTimeField(_("next try"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_once_per_channel"
            )
        ]
        indexes = [models.Index(fields=["state", "next_try_at"], name="delivery_due")]

    def __str__(self):
        return f"{self.notification_id}/{self.channel}"


class NotificationPreference(models.Model):  # noqa: DJ008 (never shown)
    """A person's choice for one kind of event and one channel (no row: the kind's default)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_choices"
    )
    kind = models.CharField(_("kind"), max_length=64)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    enabled = models.BooleanField(_("enabled"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "channel"], name="notification_choice_once"
            )
        ]
