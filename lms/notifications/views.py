"""Pages of notifications. HTTP only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.models import Delivery, Notification
from lms.notifications import registry, selectors, services
from lms.notifications.permissions import may_see_deliveries
from lms.permissions import require
from lms.roles import roles_of


@login_required
def inbox(request):
    request.inbox_unread = selectors.refresh_unread(request.user.pk)
    return render(
        request,
        "lms/notifications/inbox.html",
        {"notifications": list(selectors.inbox(request.user))},
    )


@login_required
@require_POST
def open_one(request, pk: int):
    """Mark one notification read and go to the thing it is about."""
    notification = get_object_or_404(Notification, pk=pk, person=request.user)
    services.mark_read(person=request.user, notification_id=notification.pk)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request):
    services.mark_all_read(person=request.user)
    messages.success(request, _("All notifications are marked read."))
    return redirect("notifications:inbox")


@login_required
def preferences(request):
    channels, robots = services.channels_offered(request.user)
    kinds = registry.kinds_for(roles_of(request.user))
    if request.method == "POST":
        services.preferences_set(
            person=request.user,
            choices={
                (kind.name, channel): f"{kind.name}:{channel}" in request.POST
                for kind in kinds
                for channel in channels
            },
        )
        messages.success(request, _("Your notification choices are saved."))
        return redirect("notifications:preferences")
    choices = {(c.kind, c.channel): c.enabled for c in request.user.notification_choices.all()}
    labels = dict(Delivery._meta.get_field("channel").choices)
    rows = []
    for kind in kinds:
        chosen = set(services.channels_for(request.user, kind, choices, robots=robots))
        rows.append(
            {
                "kind": kind,
                "cells": [
                    {"name": f"{kind.name}:{c}", "label": labels[c], "on": c in chosen}
                    for c in channels
                ],
            }
        )
    return render(
        request,
        "lms/notifications/preferences.html",
        {"rows": rows, "channels": [labels[c] for c in channels]},
    )


@login_required
def failures(request, status: int = 200):
    require(may_see_deliveries(request.user))
    return render(
        request,
        "lms/notifications/failures.html",
        {"deliveries": list(selectors.troubled_deliveries())},
        status=status,
    )


@login_required
@require_POST
def retry(request, pk: int):
    require(may_see_deliveries(request.user))
    delivery = get_object_or_404(Delivery, pk=pk)
    try:
        services.retry_now(delivery=delivery)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return failures(request, status=409)
    messages.success(request, _("The delivery will be tried again."))
    return redirect("notifications:failures")
