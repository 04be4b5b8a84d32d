"""The page of "confirm access" with the company's identity (lms.sso.reauth)."""

from __future__ import annotations

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.utils import get_next_redirect_url
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.http import urlencode

from lms.sso import providers
from lms.sso.reauth import METHOD_ID


@login_required
def reauthenticate(request):
    """allauth's "confirm access", with the company's identity: a button per provider, and
    the person's other ways (password, authenticator app) as links."""
    if not providers.configured():
        raise Http404
    adapter = get_account_adapter(request)
    next_url = get_next_redirect_url(request) or ""
    others = []
    for method in adapter.get_reauthentication_methods(request.user):
        if method["id"] == METHOD_ID:
            continue
        url = method["url"]
        if next_url:
            url += "?" + urlencode({REDIRECT_FIELD_NAME: next_url})
        others.append({**method, "url": url})
    return render(
        request,
        "socialaccount/reauthenticate.html",
        {"reauthentication_alternatives": others, "next_url": next_url},
    )
