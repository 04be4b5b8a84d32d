"""Reads of notifications: the inbox, its unread count, the deliveries that failed."""

from django.db.models import Count

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
    """The unread count the shell shows on every page, read from the cache only (no query on
    any page): written whenever a notification of the person's is created or read, and when
    they open the inbox. Should the cache lose it, the badge is gone until one of those."""
    from django.core.cache import cache

    return cache.get(_unread_key(person.pk)) or 0


def refresh_unread(person_id) -> int:
    from django.core.cache import cache

    count = Notification.objects.filter(person_id=person_id, read_at__isnull=True).count()
    cache.set(_unread_key(person_id), count, timeout=None)
    return count


def refresh_unread_many(person_ids) -> None:
    """`refresh_unread` for many people: one query, one write to the cache."""
    from django.core.cache import cache

    counts = dict.fromkeys(person_ids, 0)
    counts.update(
        Notification.objects.filter(person_id__in=person_ids, read_at__isnull=True)
        .values_list("person_id")
        .annotate(n=Count("pk"))
        .values_list("person_id", "n")
    )
    cache.set_many({_unread_key(pk): n for pk, n in counts.items()}, timeout=None)
