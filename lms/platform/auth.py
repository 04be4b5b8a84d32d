"""Signing in: by employee number or e-mail, the staff profile loaded with the user;
no open sign-up (staff accounts come from HR or an import); failed sign-ins limited so that
a stranger can slow an account down but never lock its owner out (see `AccountAdapter`)."""

from allauth.account import auth_backends as allauth_backends
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.conf import settings
from django.contrib.auth import backends
from django.contrib.sites.shortcuts import get_current_site
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lms.audit import audit_record
from lms.models.accounts import User
from lms.models.audit import AuditAction
from lms.platform.user_cache import cached_user
from lms.roles import Role, roles_of
from lms.sso import reauth
from lms.sso.providers import names as sso_names


class _WithProfile:
    def get_user(self, user_id):
        user = cached_user(user_id, lambda: self._load(user_id))
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def _load(user_id):
        try:
            return User._default_manager.select_related("profile").get(pk=user_id)
        except User.DoesNotExist:
            return None


class ModelBackend(_WithProfile, backends.ModelBackend):
    pass


class AuthenticationBackend(_WithProfile, allauth_backends.AuthenticationBackend):
    """allauth's sign-in by employee number or e-mail."""


def account_key(credentials: dict) -> str:
    """The account a sign-in is for, whichever way it was named: `user:<id>`, so that the
    employee number, the e-mail and any spelling of either count together; the name as typed
    (lower case) for one that names nobody, which is limited the same way."""
    given = (credentials.get("email") or credentials.get("username") or "").strip().lower()
    pk = (
        User._default_manager.filter(Q(username__iexact=given) | Q(email__iexact=given))
        .values_list("pk", flat=True)
        .first()
        if given
        else None
    )
    return f"user:{pk}" if pk is not None else f"name:{given}"


def keeps_password(user: User | None) -> bool:
    """With LMS_SSO_ONLY, who may still sign in with a password and reset it: administrators
    (their way in when the identity provider is down). Without it, everyone."""
    if not settings.LMS_SSO_ONLY:
        return True
    return user is not None and (user.is_superuser or Role.ADMINISTRATOR in roles_of(user))


def _named_user(credentials: dict) -> User | None:
    key = account_key(credentials)
    if not key.startswith("user:"):
        return None
    return User._default_manager.filter(pk=int(key.removeprefix("user:"))).first()


class AccountAdapter(DefaultAccountAdapter):
    """Failed sign-ins are counted (ACCOUNT_RATE_LIMITS in the settings, which explain why):

    - per client address (`login_failed` .../ip): one address cannot try many accounts;
    - per address and account together (`login_failed` .../key, the key being both), in growing
      steps: that pair alone waits, the same account signs in from any other address;
    - per account from every address (`login_failed_account`): once an account has failed that
      often, each address gets one try at it per `login_paced` period. The first try of the
      right password from any address still signs in: slowed, never locked out.

    The client address is allauth's (`get_client_ip`), which behind the load balancer is the
    last entry of X-Forwarded-For (ALLAUTH_TRUSTED_PROXY_COUNT), as in the audit log.
    """

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "sso_only": _(
            "Sign in with your company account (the buttons above): passwords are kept for "
            "administrators only."
        ),
    }

    def is_open_for_signup(self, request):
        return False

    def get_login_stages(self):
        # allauth's second-factor stage, which trusts the provider's when it does it
        # (LMS_SSO_MFA_DELEGATED, lms/sso/stages.py).
        return [
            "lms.sso.stages.SecondFactorStage"
            if path == "allauth.mfa.stages.AuthenticateStage"
            else path
            for path in super().get_login_stages()
        ]

    def get_reauthentication_methods(self, user):
        """allauth's ways to confirm access, without the password for whoever may not sign in
        with one (LMS_SSO_ONLY), and with the company's identity (lms.sso.reauth)."""
        found = super().get_reauthentication_methods(user)
        if user.is_authenticated and not keeps_password(user):
            found = [method for method in found if method["id"] != "reauthenticate"]
        return found + reauth.methods(user)

    def is_reauthentication_required(self, *, app, **kwargs):
        required = super().is_reauthentication_required(app=app, **kwargs)
        return required and not reauth.recently_confirmed(self.request)

    def send_password_reset_mail(self, user, email, context):
        """With LMS_SSO_ONLY only administrators get a link; everyone else is told, in its
        place, to sign in with the company account (the page says the same to everyone)."""
        if keeps_password(user):
            super().send_password_reset_mail(user, email, context)
            return
        login_url = reverse("account_login")
        if self.request is not None:
            login_url = self.request.build_absolute_uri(login_url)
        self.send_mail(
            "account/email/password_reset_sso",
            email,
            {"user": user, "providers": sso_names(), "login_url": login_url},
        )

    def _account(self, request, credentials) -> str:
        given = credentials.get("email") or credentials.get("username") or ""
        accounts = self.__dict__.setdefault("_lms_accounts", {})
        if given not in accounts:
            accounts[given] = f"{get_current_site(request).domain}:{account_key(credentials)}"
        return accounts[given]

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth keys its `login_failed` .../key rates (and their rollback) on this. The address
        # as its .../ip rates count it: an IPv6 one by its /64 network, which one client holds.
        return f"{self._account(request, credentials)}@{ratelimit.get_ip(request)}"

    def pre_authenticate(self, request, **credentials):
        if settings.LMS_SSO_ONLY and not keeps_password(_named_user(credentials)):
            # Refused before the password is looked at: no way to test passwords here.
            given = credentials.get("username") or credentials.get("email") or ""
            audit_record(
                action=AuditAction.LOGIN_FAILED,
                actor_label=str(given),
                request=request,
                details={"reason": "sso_only"},
            )
            raise self.validation_error("sso_only")
        super().pre_authenticate(request, **credentials)  # per address, per pair
        account = self._account(request, credentials)
        under_attack = not ratelimit.consume(
            request,
            app="allauth.account",
            action="login_failed_account",
            key=account,
            dry_run=True,
        )
        if under_attack:
            paced = ratelimit.consume(
                request,
                app="allauth.account",
                action="login_paced",
                key=self._get_login_attempts_cache_key(request, **credentials),
            )
            if not paced:
                self._rollback_login_failed_rl_usage()
                raise self.validation_error("too_many_login_attempts")
            # A right password gives its try back, as allauth does with its own counts.
            self._login_failed_rl_usage.usage.extend(paced.usage)

    def authentication_failed(self, request, **credentials):
        ratelimit.consume(
            request,
            app="allauth.account",
            action="login_failed_account",
            key=self._account(request, credentials),
        )
