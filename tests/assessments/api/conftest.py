import pytest

from lms.integrations.services import token_create
from lms.models import TokenScope

ALL_SCOPES = list(TokenScope.values)


@pytest.fixture
def make_token(people):
    """A token's text, made by the administrator, with `scopes` (all unless said)."""
    made = iter(range(1000))

    def make(scopes=ALL_SCOPES, *, by=None, name=None):
        issued = token_create(
            name=name or f"HR system {next(made)}",
            scopes=scopes,
            by=by or people["admin"].user,
        )
        return issued.plaintext

    return make


@pytest.fixture
def api(client):
    """Calls to the API with a token: api.post(path, json, token=...), api.get(path, ...)."""

    class Caller:
        def post(self, path, payload, *, token=None, language=None):
            return client.post(
                f"/api/v1{path}",
                payload,
                content_type="application/json",
                **_headers(token, language),
            )

        def get(self, path, params=None, *, token=None, language=None):
            return client.get(f"/api/v1{path}", params or {}, **_headers(token, language))

    return Caller()


def _headers(token, language) -> dict:
    headers = {}
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if language is not None:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    return headers
