"""Signing in: by employee number or e-mail, the staff profile loaded with the user;
no open sign-up (staff accounts come from HR or an import)."""

from allauth.account import auth_backends as allauth_backends
from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import backends

from lms.models.accounts import User
from lms.platform.user_cache import cached_user


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


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False
