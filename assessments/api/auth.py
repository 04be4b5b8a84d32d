"""How an API call proves who it is (an integration token, by scope) and how often it may
come (`LMS_API_PER_MINUTE` per token)."""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from lms.integrations.services import token_authenticate
from lms.platform.cache import window_count

clock = time.time  # the limit's minutes (a test holds it still)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer lms_…`: a valid token holding `scope`. No token, an unknown,
    wrong or revoked one: 401; a valid token without the scope: 403."""

    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()

    def authenticate(self, request, token: str):
        found = token_authenticate(token.strip())
        if found.token is not None:
            request.api_token = found.token  # audited, even when refused
        if not found.valid:
            return None
        if not found.token.has_scope(self.scope):
            raise HttpError(
                403, _("This token doesn't have the scope %(scope)s.") % {"scope": self.scope}
            )
        return found.token


class TokenRateThrottle(BaseThrottle):
    """At most `LMS_API_PER_MINUTE` calls per token in each minute of the clock, counted in
    the shared cache (so across every app server; in each process's memory while Redis is
    unreachable, lms.platform.cache); the rest get 429 and Retry-After."""

    def allow_request(self, request) -> bool:
        token = getattr(request, "auth", None)
        if token is None:
            return True
        window = int(clock() // 60)
        key = f"api-rate:{token.pk}:{window}"
        return window_count(key, 90) <= settings.LMS_API_PER_MINUTE

    def wait(self) -> float:
        """Seconds until the next minute starts."""
        return max(1, math.ceil(60 - clock() % 60))


throttle = TokenRateThrottle()
