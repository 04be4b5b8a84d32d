"""The second factor after signing in with the company's identity.

allauth asks anyone with an authenticator app for its code after any sign-in, social ones
included, and RequireMFAMiddleware makes HR and administrators set one up; so the site's rules
hold for SSO as they are. With LMS_SSO_MFA_DELEGATED the provider's own second factor is
trusted instead, unless its ID token's `amr` names no second factor.
"""

from __future__ import annotations

from allauth.mfa.stages import AuthenticateStage
from django.conf import settings

from lms.platform.middleware import MFA_SESSION_KEY
from lms.sso.adapter import identity_of


def provider_did_second_factor(login) -> bool:
    sociallogin = (login.signal_kwargs or {}).get("sociallogin")
    if not settings.LMS_SSO_MFA_DELEGATED or sociallogin is None:
        return False
    return identity_of(sociallogin).second_factor_used


class SecondFactorStage(AuthenticateStage):
    def handle(self):
        if provider_did_second_factor(self.login):
            self.request.session[MFA_SESSION_KEY] = True
            return None, True
        return super().handle()
