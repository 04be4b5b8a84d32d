"""Reads of notifications: the inbox, its unread count, the deliveries that failed."""

from lms.models import Delivery, DeliveryState, Notification

INBOX_SIZE = 100


def inbox(person):
    """The person's notifications, newest first (the latest INBOX_SIZE)."""
    return Notification.objects.filter(person=person).only(
        "pk", "subject", "body", "link", "created_at", "read_at", "kind"
    )[:INBOX_SIZE]


def unread_count(person) -> int:
    return Notification.objects.filter(person=person, read_at__isnull=True).count()


def troubled_deliveries():
    """Deliveries that failed for good or are waiting to be tried again, latest first."""
    return (
        Delivery.objects.filter(state__in=[DeliveryState.FAILED, DeliveryState.RETRYING])
        .select_related("notification__person")
        .order_by("-notification__created_at", "-pk")[:200]
    )


def _unread_key(person_id) -> str:
    return f"notifications:unread:{person_id}"


def unread_badge(person) -> int:
    """The unread count the shell shows on every page, kept in the cache (forgotten whenever
    a notification of the person's is created or read)."""
    from django.core.cache import cache

    key = _unread_key(person.pk)
    count = cache.get(key)
    if count is None:
        count = unread_count(person)
        cache.set(key, count, 300)
    return count


def forget_unread(person_id) -> None:
    from django.core.cache import cache

    cache.delete(_unread_key(person_id))
