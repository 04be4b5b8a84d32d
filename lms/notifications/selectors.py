"""Reads of notifications: the inbox, its unread count, the deliveries that failed, the group
robots."""

from django.conf import settings
from django.db.models import Count

from lms.models import Delivery, DeliveryState, Notification, OrgUnit, StaffProfile, UnitRobots
from lms.notifications.registry import DINGTALK, WECOM
from lms.notifications.robots import Robot, RobotDirectory

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
    """The unread count the shell shows on every page, from the cache: written whenever a
    notification of the person's is created or read, and when they open the inbox. Should the
    cache have lost it (Redis restarted, the key evicted), one indexed count puts it back."""
    from django.core.cache import cache

    count = cache.get(_unread_key(person.pk))
    if count is None:
        count = refresh_unread(person.pk)
    return count


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


# Group robots ---------------------------------------------------------------------------


def company_robots() -> dict[str, Robot]:
    """The company-wide robots of the settings (LMS_DINGTALK_WEBHOOK, LMS_WECOM_WEBHOOK)."""
    return {
        DINGTALK: Robot(
            DINGTALK,
            getattr(settings, "LMS_DINGTALK_WEBHOOK", ""),
            getattr(settings, "LMS_DINGTALK_SECRET", ""),
        ),
        WECOM: Robot(WECOM, getattr(settings, "LMS_WECOM_WEBHOOK", "")),
    }


def robot_directory() -> RobotDirectory:
    """Every robot: the company's and those of the org units (one query)."""
    units: dict[str, dict[str, Robot]] = {}
    rows = (
        UnitRobots.objects.exclude(dingtalk_webhook="", wecom_webhook="")
        .values_list(
            "unit__path", "unit__name", "dingtalk_webhook", "dingtalk_secret", "wecom_webhook"
        )
        .order_by()
    )
    for path, name, dingtalk, secret, wecom in rows:
        robots = units.setdefault(path, {})
        if dingtalk:
            robots[DINGTALK] = Robot(DINGTALK, dingtalk, secret, name)
        if wecom:
            robots[WECOM] = Robot(WECOM, wecom, "", name)
    return RobotDirectory(company=company_robots(), units=units, steplen=OrgUnit.steplen)


def unit_paths_of(person_ids) -> dict[int, str]:
    """The org unit path of each person (one query); people without a staff profile have
    none."""
    return dict(
        StaffProfile.objects.filter(user_id__in=list(person_ids))
        .values_list("user_id", "org_unit__path")
        .order_by()
    )


def unit_path_of(person) -> str | None:
    """The path of the person's current org unit, from their loaded profile when it is."""
    cache = person._state.fields_cache
    if "profile" in cache:
        profile = cache["profile"]
        if profile is None:
            return None  # no staff profile: the company's robots
        if "org_unit" in profile._state.fields_cache:
            return profile.org_unit.path
    return unit_paths_of([person.pk]).get(person.pk)


def robot_channels_for(person, directory: RobotDirectory | None = None) -> frozenset[str]:
    """The robot channels that reach `person` (a query or two)."""
    directory = directory or robot_directory()
    if not directory.per_unit:
        return directory.channels(None)
    return directory.channels(unit_path_of(person))


def units_with_robots() -> dict[int, UnitRobots]:
    """The robots of each unit that has some, by unit id (for the org tree)."""
    return {
        r.unit_id: r for r in UnitRobots.objects.exclude(dingtalk_webhook="", wecom_webhook="")
    }
