"""The sign-in page's provider buttons."""

from django import template
from django.conf import settings

from lms.sso import providers as sso

register = template.Library()


@register.simple_tag(takes_context=True)
def sso_providers(context) -> list:
    """The configured providers: the company's own identity provider first, then DingTalk,
    then Feishu (allauth's `get_providers` sorts them by name, which differs by language)."""
    from allauth.socialaccount.adapter import get_adapter

    order = {provider: i for i, provider in enumerate(sso.ORDER)}
    providers = get_adapter().list_providers(context["request"])
    return sorted(providers, key=lambda provider: order.get(provider.id, len(order)))


@register.filter
def sso_name(provider) -> str:
    """A provider's name for its button: the company's own for OpenID Connect (LMS_OIDC_NAME),
    else its name in the reader's language."""
    app = getattr(provider, "app", None)
    return sso.display_name(provider.id, getattr(app, "name", "") or "")


@register.simple_tag
def sso_names() -> str:
    """The configured providers' names in one phrase ("DingTalk or Feishu")."""
    return sso.names()


@register.simple_tag
def sso_only() -> bool:
    """LMS_SSO_ONLY: the password form is for administrators only."""
    return settings.LMS_SSO_ONLY
