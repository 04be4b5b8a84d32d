"""The sign-in page's provider buttons."""

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def sso_providers(context) -> list:
    """The configured providers: the company's own identity provider first, then DingTalk,
    then Feishu (allauth's `get_providers` sorts them by name, which differs by language)."""
    from allauth.socialaccount.adapter import get_adapter

    order = {"openid_connect": 0, "dingtalk": 1, "feishu": 2}
    providers = get_adapter().list_providers(context["request"])
    return sorted(providers, key=lambda provider: order.get(provider.id, len(order)))


@register.filter
def sso_name(provider) -> str:
    """A provider's name for its button: the company's own for OpenID Connect (LMS_OIDC_NAME),
    else its name in the reader's language."""
    if provider.id == "openid_connect":
        return provider.app.name or _("your company account")
    return {"dingtalk": _("DingTalk"), "feishu": _("Feishu")}.get(provider.id, provider.name)


@register.simple_tag
def sso_only() -> bool:
    """LMS_SSO_ONLY: the password form is for administrators only."""
    return settings.LMS_SSO_ONLY
