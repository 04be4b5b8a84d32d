"""Who may read and change the scoring policy: HR and administrators (a cycle's result shows
the policy version it was computed with to whoever may read the result)."""

from __future__ import annotations

from lms.roles import is_hr


def may_read_policy(user) -> bool:
    return is_hr(user)


def may_change_policy(user) -> bool:
    """Adding a version of the policy (versions are never changed once saved)."""
    return is_hr(user)
