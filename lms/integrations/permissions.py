"""Who may manage integration tokens, and whose authority a token carries."""

from __future__ import annotations

from lms.roles import Role, roles_of


def may_manage_tokens(user) -> bool:
    """Only administrators create, renew and revoke integration tokens."""
    return bool(getattr(user, "is_active", False)) and Role.ADMINISTRATOR in roles_of(user)


def token_may_act(token) -> bool:
    """A token acts for the administrator who created it, and only while that person is
    still an active administrator: taking the role away (or the account) stops the token."""
    return token.revoked_at is None and may_manage_tokens(token.created_by)
