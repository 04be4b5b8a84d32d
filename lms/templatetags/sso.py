"""The sign-in page's provider buttons."""

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def sso_name(provider) -> str:
    """A provider's name for its button: the company's own for OpenID Connect (LMS_OIDC_NAME),
    else its name in the reader's language."""
    if provider.id == "openid_connect":
        return provider.app.name or _("company account")
    return {"dingtalk": _("DingTalk"), "feishu": _("Feishu")}.get(provider.id, provider.name)


@register.simple_tag
def sso_only() -> bool:
    """LMS_SSO_ONLY: the password form is for administrators only."""
    return settings.LMS_SSO_ONLY
