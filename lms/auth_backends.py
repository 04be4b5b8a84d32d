"""Authentication backends that load the staff profile with the user.

Every page shows the signed-in person's name, which lives on their staff
profile: reading both in one query saves one on every request, and with a shared
cache both come from it, with the person's roles (`lms.user_cache`).
"""

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends


class _WithProfile:
    def get_user(self, user_id):
        from lms.user_cache import cached_user

        user = cached_user(user_id, lambda: self._load(user_id))
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def _load(user_id):
        from lms.models import User

        try:
            return User._default_manager.select_related("profile").get(pk=user_id)
        except User.DoesNotExist:
            return None


class ModelBackend(_WithProfile, backends.ModelBackend):
    pass


class AuthenticationBackend(_WithProfile, allauth_backends.AuthenticationBackend):
    """allauth's sign-in by employee number or e-mail."""
