"""The providers the operator configured (lms/settings/sso.py), and their names as people read
them: on the sign-in buttons, and wherever the site says "sign in with ..."."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

# The order of the buttons: the company's own identity provider first, then DingTalk, Feishu.
ORDER = ("openid_connect", "dingtalk", "feishu")


def configured() -> list[str]:
    """The ids of the configured providers, in the order of the buttons."""
    providers = settings.SOCIALACCOUNT_PROVIDERS
    return [provider for provider in ORDER if provider in providers]


def display_name(provider_id: str, app_name: str = "") -> str:
    """A provider's name in the reader's language; the company's own for OpenID Connect
    (LMS_OIDC_NAME, the app's name), else "company single sign-on" (not "company account",
    which the sentences that name the providers already say: "the company account (…)")."""
    if provider_id == "openid_connect":
        return app_name or _("company single sign-on")
    return {"dingtalk": _("DingTalk"), "feishu": _("Feishu")}.get(provider_id, provider_id)


def _app_name(provider_id: str) -> str:
    apps = settings.SOCIALACCOUNT_PROVIDERS.get(provider_id, {}).get("APPS") or [{}]
    return apps[0].get("name", "")


def names() -> str:
    """The configured providers' names as one phrase: "Feishu", "顺达统一身份 or DingTalk"."""
    # Translators: between the names of sign-in providers, "DingTalk or Feishu".
    return _(" or ").join(display_name(p, _app_name(p)) for p in configured())
