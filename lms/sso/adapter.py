"""allauth's social sign-in, for staff only: a person signing in with the company's identity is
matched to the account HR made for them (lms.sso.selectors) and their social account linked to
it; nobody is ever created, leavers are refused, and every refusal is in the audit log as a
failed sign-in, with a page in the site's layout saying what to do. A sign-in that confirms
access (allauth's reauthentication) is finished by lms.sso.reauth."""

from __future__ import annotations

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.adapter import _build_apps_from_settings as settings_apps
from allauth.socialaccount.models import SocialApp, SocialLogin
from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from lms.audit import audit_record
from lms.models.audit import AuditAction
from lms.sso import reauth
from lms.sso.identity import Identity, identity_from
from lms.sso.selectors import Refusal, staff_for_identity


def identity_of(sociallogin: SocialLogin) -> Identity:
    account = sociallogin.account
    # The provider's kind ("openid_connect"), not its id in the URLs ("company").
    return identity_from(
        account.get_provider().id,
        str(account.uid),
        account.extra_data or {},
        employee_claim=settings.LMS_OIDC_EMPLOYEE_CLAIM,
        feishu_employee_field=settings.LMS_FEISHU_EMPLOYEE_FIELD,
    )


def _refuse(request, identity: Identity, refusal: Refusal, by: str = "") -> None:
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        actor_label=identity.label,
        request=request,
        details={"provider": identity.provider, "reason": refusal.value, "by": by},
    )
    response = render(
        request,
        "socialaccount/refused.html",
        {"refusal": refusal.value, "identity": identity},
        status=403,
    )
    raise ImmediateHttpResponse(response)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin=None):
        return False

    def is_auto_signup_allowed(self, request, sociallogin):
        return False

    def list_apps(self, request, provider=None, client_id=None):
        """The apps of the settings (lms/settings/sso.py) only: no database rows to read on
        every sign-in page, nor to forget about."""
        found = settings_apps(provider=provider, client_id=client_id)
        return [app for apps in found.values() for app in apps]

    def get_app(self, request, provider, client_id=None):
        # A provider that is not configured has no pages: its addresses answer 404.
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise Http404 from None

    def pre_social_login(self, request, sociallogin):
        identity = identity_of(sociallogin)
        if sociallogin.state.get("process") == "connect":
            _refuse(request, identity, Refusal.CONNECT)
        match = staff_for_identity(identity, match_email=settings.LMS_SSO_MATCH_EMAIL)
        if sociallogin.state.get("process") == reauth.REAUTHENTICATE:
            reauth.complete(request, sociallogin, identity, match)  # ends the callback
        if match.user is None:
            _refuse(request, identity, match.refusal, match.by)
        if sociallogin.is_existing:
            if sociallogin.user.pk != match.user.pk:
                # HR's record decides: the provider's identity now names someone else (an
                # employee number moved), so the link follows it.
                sociallogin.account.user = match.user
                sociallogin.account.save(update_fields=["user"])
                sociallogin.user = match.user
        else:
            sociallogin.connect(request, match.user)

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        """The provider refused, or its answer did not hold (a token for another client, an
        expired one, a bad signature): a failed sign-in in the audit log."""
        audit_record(
            action=AuditAction.LOGIN_FAILED,
            actor_label="",
            request=request,
            details={
                "provider": getattr(provider, "id", str(provider)),
                "reason": str(error or "error"),
                # "Invalid id_token" and why: InvalidAudienceError, ExpiredSignatureError...
                "error": f"{exception}: {exception.__cause__!r}"[:300] if exception else "",
            },
        )
