"""Who sees the learning records' outbox (what waits for the Learning Record Store, and why)
and asks for it to be sent again: administrators, who run the site and its connections."""

from __future__ import annotations

from lms.roles import Role, roles_of


def may_see_outbox(user) -> bool:
    return Role.ADMINISTRATOR in roles_of(user)


def may_retry(user) -> bool:
    return may_see_outbox(user)
