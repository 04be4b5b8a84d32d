"""The signed-in person, with their staff profile and roles, kept in the shared cache.

Every page needs them: the name in the header, the roles for the navigation, the
permissions and the second-factor rule. Read from the database they cost two queries
a request, a third of a lesson page's time. With the page caches on (`LMS_PAGE_CACHE`: a
cache every process shares), the user as the authentication backend loads them is kept
under their id, next to a version token of that user's, and both are read in one round trip.

Whatever changes what is kept (the user, their profile, their groups, a group's name or
existence) gives the people concerned a new token, now and again once the transaction
commits, from any process (the receivers below, connected by `lms.receivers`). So a
deactivated account, a new password (the session's hash is checked against the kept
one) or a new role takes effect on the next request on every app server. A reader that
loaded the rows before such a change stores them under the token it read first, which
no request asks for any longer.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from lms.models.accounts import User
from lms.platform.routing import code_tag
from lms.roles import roles_of

# Entries made by other code (another User model, another pickling) are never read.
LMS = Path(__file__).resolve().parents[1]
TAG = code_tag(__file__, LMS / "models" / "accounts.py", LMS / "roles.py")


TIMEOUT = 3600


def _keys(user_id) -> tuple[str, str]:
    return f"lms:user-version:{user_id}", f"lms:user:{TAG}:{user_id}"


def cached_user(user_id, load: Callable[[], User | None]) -> User | None:
    """The user `user_id` as `load()` reads it (with profile and roles), from the cache
    when what is kept there is current."""
    if not settings.LMS_PAGE_CACHE:
        return load()
    version_key, user_key = _keys(user_id)
    found = cache.get_many([version_key, user_key])
    version, kept = found.get(version_key), found.get(user_key)
    if version is not None and kept is not None and kept[0] == version:
        return kept[1]
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(version_key, version, timeout=None):
            return load()  # another process made one meanwhile: next time
    user = load()
    if user is not None:
        roles_of(user)  # read now, kept with the user
        cache.set(user_key, (version, user), timeout=TIMEOUT)
    return user


def forget_users(user_ids: Iterable) -> None:
    """Give these users new tokens: what is kept of them is not read again."""
    keys = [_keys(pk)[0] for pk in set(user_ids) if pk is not None]
    if not keys or not settings.LMS_PAGE_CACHE:
        return

    def bump() -> None:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)

    bump()
    transaction.on_commit(bump)


# Receivers (connected by lms.receivers) -------------------------------------------------------


def user_changed(sender, instance, **kwargs) -> None:
    forget_users([instance.pk])


def profile_changed(sender, instance, **kwargs) -> None:
    forget_users([instance.user_id])


def groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if not reverse:  # user.groups.add(...): one user
        if action.startswith("post_"):
            forget_users([instance.pk])
    elif action in ("post_add", "post_remove"):  # group.user_set.add(...): these users
        forget_users(pk_set or ())
    elif action == "pre_clear":  # group.user_set.clear(): everyone in it, before it goes
        forget_users(instance.user_set.values_list("pk", flat=True))


def group_changed(sender, instance, **kwargs) -> None:
    # A renamed or deleted group changes the roles of everyone in it.
    if instance.pk is not None:
        forget_users(instance.user_set.values_list("pk", flat=True))
