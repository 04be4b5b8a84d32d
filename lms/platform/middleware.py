"""Request-wide behaviour: language, audit context, the Wagtail site, the MFA requirement and
the Content-Security-Policy."""

from __future__ import annotations

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from lms.audit import context_from_request, reset_request_context, set_request_context
from lms.platform.routing import cached_site, prefetch, remember_site
from lms.roles import MFA_REQUIRED_ROLES, roles_of

SUPPORTED_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def language_for(request) -> str:
    """The cookie, then the signed-in person's saved choice, then zh-hans.

    The browser's Accept-Language is ignored on purpose: the site is
    Chinese first, whatever the phone's system language.
    """
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in SUPPORTED_LANGUAGES:
        return cookie
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in SUPPORTED_LANGUAGES:
        return user.language
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class AuditContextMiddleware:
    """Lets `audit_record` know who is acting and from where."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_request_context(context_from_request(request))
        try:
            return self.get_response(request)
        finally:
            reset_request_context(token)


class SiteMiddleware:
    """Gives Wagtail the request's site from the cache rather than the database.

    Wagtail looks the site up (and then its root page) on every page it serves and for
    every `pageurl`: two queries. When it had to, the site it found is kept in the shared
    cache under the pages' version (`lms.platform.routing`, `LMS_PAGE_CACHE`), and the next
    requests are given it. A request that never needs the site costs no query for it.
    """

    # The health check must answer on its own when the cache or the database is down.
    SKIPPED = ("/healthz", "/static/", "/media/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.LMS_PAGE_CACHE or request.path.startswith(self.SKIPPED):
            return self.get_response(request)
        prefetch(request)
        site = cached_site(request)
        if site is not None:
            request._wagtail_site = site
        response = self.get_response(request)
        if site is None and getattr(request, "_wagtail_site", None) is not None:
            remember_site(request, request._wagtail_site)
        return response


MFA_SESSION_KEY = "lms_mfa_ok"


# Paths an HR user or administrator without a second factor may still reach.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/media/", "/healthz")


def user_has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireMFAMiddleware:
    """With LMS_ENFORCE_MFA, HR and Administrators must set up TOTP before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.LMS_ENFORCE_MFA
            and request.user.is_authenticated
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            and not request.session.get(MFA_SESSION_KEY)
            and roles_of(request.user) & MFA_REQUIRED_ROLES
        ):
            if not user_has_mfa(request.user):
                messages.warning(
                    request,
                    _(
                        "Your role requires two-factor authentication. "
                        "Set up an authenticator app to continue."
                    ),
                )
                return redirect("mfa_activate_totp")
            request.session[MFA_SESSION_KEY] = True
        return self.get_response(request)


# The admin's pages open before signing in (its sign-in, password reset, translations for
# JavaScript and icons): never refused here.
ADMIN_PUBLIC_PATHS = ("login", "password_reset", "jsi18n", "sprite", "logout")


class AdminAccessMiddleware:
    """A signed-in person without `wagtailadmin.access_admin` who opens the admin gets one
    403 page saying so, in the site's layout.

    Wagtail itself would add "you do not have permission" to the messages and send them
    to the sign-in page, which sends a signed-in person back to the admin: a loop that ends
    with the message repeated on the next page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prefix = settings.LMS_CSP_ADMIN_PREFIX
        path = request.path_info
        if (
            path.startswith(prefix)
            and not path[len(prefix) :].startswith(ADMIN_PUBLIC_PATHS)
            and request.user.is_authenticated
            and not request.user.has_perm("wagtailadmin.access_admin")
        ):
            from lms.platform.errors import admin_denied

            return admin_denied(request)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (CONTENT_SECURITY_POLICY) on every response, with what Wagtail's
    admin still needs (LMS_CSP_ADMIN) added under its prefix; the settings say why."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(settings.LMS_CSP_ADMIN_PREFIX):
            parts.update = {**settings.LMS_CSP_ADMIN, **(parts.update or {})}
        return parts
