"""Wagtail admin hooks of the people app."""

from wagtail import hooks

from lms.models.accounts import User
from lms.platform.avatars import avatar_data_url
from lms.platform.user_cache import forget_users


@hooks.register("after_bulk_action")
def forget_users_changed_in_bulk(request, action_type, objects, action):
    """Wagtail's bulk "mark as active / inactive" of users updates their rows without a
    signal: the people kept in the cache (lms.platform.user_cache) are forgotten here, so that a
    deactivated account is signed out on its next request."""
    changed = [obj.pk for obj in objects if isinstance(obj, User)]
    if changed:
        forget_users(changed)


@hooks.register("get_avatar_url")
def initials_avatar(user, size):
    """The admin's avatars are drawn from the person's initials (lms.platform.avatars), never
    fetched from Gravatar; an avatar the person uploaded in the admin still wins."""
    profile = getattr(user, "wagtail_userprofile", None)
    if profile is not None and profile.avatar:
        return None
    name = getattr(user, "display_name", "") or getattr(user, "username", "")
    return avatar_data_url(name, getattr(user, "username", "") or "", size)
