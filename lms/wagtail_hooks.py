"""Wagtail admin hooks of the people app."""

from wagtail import hooks

from lms.models.accounts import User
from lms.platform.user_cache import forget_users


@hooks.register("after_bulk_action")
def forget_users_changed_in_bulk(request, action_type, objects, action):
    """Wagtail's bulk "mark as active / inactive" of users updates their rows without a
    signal: the people kept in the cache (lms.platform.user_cache) are forgotten here, so that a
    deactivated account is signed out on its next request."""
    changed = [obj.pk for obj in objects if isinstance(obj, User)]
    if changed:
        forget_users(changed)
