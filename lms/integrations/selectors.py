"""Reads for the integration tokens' pages."""

from __future__ import annotations

from lms.models.integrations import IntegrationToken


def tokens():
    """Every token, active ones first, with who made and who revoked it."""
    return IntegrationToken.objects.select_related("created_by", "revoked_by").order_by(
        "revoked_at", "name"
    )
