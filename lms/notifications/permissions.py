"""Who may see what of notifications."""

from lms.roles import Role, roles_of


def may_see_deliveries(user) -> bool:
    """Administrators see the deliveries that failed or are being retried, and retry them."""
    return bool(getattr(user, "is_active", False)) and Role.ADMINISTRATOR in roles_of(user)
