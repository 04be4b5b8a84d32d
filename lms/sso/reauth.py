"""Confirming access (allauth's reauthentication) by signing in again with the company's identity.

allauth asks for the password again before sensitive changes (a second factor added or removed,
new recovery codes), offering the ways the person has: their password, their authenticator
app. Someone who signs in with the company's identity may have neither (under LMS_SSO_ONLY only
administrators keep a password), so the company's identity is one more way:

- `methods` adds "Use your company account" to allauth's list (the page `reauthenticate` with
  the providers' buttons); it is the first way, where the middleware sends people, for whoever
  has no other;
- the provider's sign-in runs with the `process` REAUTHENTICATE; on its way back
  (`SocialAccountAdapter.pre_social_login`) `complete` checks that the identity the provider
  vouched for is this session's person by HR's record, as a sign-in would match them; then it
  notes the confirmation in allauth's record of the session's authentications and carries the
  suspended request out (a POST too), as allauth does after the password. Another employee's
  identity confirms nothing: the session is left as it was, the attempt is audited;
- `recently_confirmed` is how allauth learns of it (`AccountAdapter.is_reauthentication_required`):
  for REAUTHENTICATION_TIMEOUT seconds, as for a password.
"""

from __future__ import annotations

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.account.internal.flows.reauthentication import resume_request
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialLogin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from lms.audit import audit_record
from lms.models.audit import AuditAction
from lms.sso import providers
from lms.sso.identity import Identity
from lms.sso.selectors import Match

# The `process` of a provider's sign-in that confirms access rather than signs in.
REAUTHENTICATE = "reauthenticate"
METHOD_ID = "sso_reauthenticate"
# How allauth's record of the session's authentications names a confirmation by a provider.
RECORD_METHOD = "socialaccount"


def methods(user) -> list[dict]:
    """The company's identity among allauth's ways to confirm access, when a provider is
    configured."""
    if not user.is_authenticated or not providers.configured():
        return []
    return [
        {
            "id": METHOD_ID,
            "description": _("Use your company account"),
            "url": reverse("sso_reauthenticate"),
        }
    ]


def recently_confirmed(request) -> bool:
    """Whether this session's person confirmed access with the company's identity within
    allauth's REAUTHENTICATION_TIMEOUT."""
    if request is None or not request.user.is_authenticated:
        return False
    confirmations = [
        record["at"]
        for record in get_authentication_records(request, request.user)
        if record.get("method") == RECORD_METHOD and record.get("reauthenticated")
    ]
    return bool(confirmations) and (
        time.time() - max(confirmations) < account_settings.REAUTHENTICATION_TIMEOUT
    )


def complete(request, sociallogin: SocialLogin, identity: Identity, match: Match) -> None:
    """The provider's answer to a confirmation: carry the suspended request out when it names
    this session's person, refuse otherwise. Always ends the callback (ImmediateHttpResponse)."""
    user = request.user
    if not user.is_authenticated:  # signed out meanwhile: a confirmation is no sign-in
        raise ImmediateHttpResponse(HttpResponseRedirect(reverse("account_login")))
    if match.user is None or match.user.pk != user.pk:
        audit_record(
            action=AuditAction.LOGIN_FAILED,
            actor=user,
            request=request,
            details={
                "provider": identity.provider,
                "reason": "reauthenticate_other",
                "identity": identity.label,
                "by": match.by,
            },
        )
        next_url = sociallogin.state.get("next") or ""
        again = reverse("sso_reauthenticate")
        if next_url:
            again += "?" + urlencode({REDIRECT_FIELD_NAME: next_url})
        response = render(
            request, "socialaccount/reauthenticate_refused.html", {"again": again}, status=403
        )
        raise ImmediateHttpResponse(response)
    record_authentication(
        request,
        user,
        RECORD_METHOD,
        provider=sociallogin.account.provider,
        uid=sociallogin.account.uid,
        reauthenticated=True,
    )
    # allauth resumes what asked for the confirmation from the `next` of the request: the
    # callback's is in the state kept with the provider's sign-in (checked when it was kept).
    query = QueryDict(mutable=True)
    if sociallogin.state.get("next"):
        query[REDIRECT_FIELD_NAME] = sociallogin.state["next"]
    request.GET = query
    response = resume_request(request) or HttpResponseRedirect(
        get_account_adapter(request).get_login_redirect_url(request)
    )
    raise ImmediateHttpResponse(response)
