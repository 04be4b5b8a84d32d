"""Writes of the confidentiality acknowledgement."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.acknowledgements import selectors
from courses.models.acknowledgements import Acknowledgement, ConfidentialityPage
from lms.models.accounts import User


def acknowledge(
    *,
    user: User,
    page: ConfidentialityPage,
    version: int,
    ip_address: str | None = None,
    now: datetime.datetime | None = None,
) -> tuple[Acknowledgement, bool]:
    """Record that `user` read `version` of the text and will comply; (acknowledgement, made).

    `version` is the one the person had on screen: if the text has since been given a new
    version, nothing is recorded and they are asked to read it again. While their last
    acknowledgement still holds, it is returned and nothing is added (a double submission).
    """
    if not page.live:
        raise ValidationError(_("This text is not published."))
    if version != page.version:
        raise ValidationError(
            _(
                "The text has changed since you opened it. Read the current version, then "
                "acknowledge it."
            )
        )
    now = now or timezone.now()
    with transaction.atomic():
        # One person's submissions one after the other: two at once make one acknowledgement.
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
        last = Acknowledgement.objects.filter(user_id=user.pk, page_id=page.pk).first()
        if last is not None and selectors.reason_for(last, page.version, now=now) is None:
            return last, False
        made = Acknowledgement.objects.create(
            user=user,
            page=page,
            title=page.title[:255],
            version=page.version,
            revision_id=page.live_revision_id,
            acknowledged_at=now,
            ip_address=ip_address,
        )
    return made, True
