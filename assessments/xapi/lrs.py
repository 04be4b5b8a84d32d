"""Talking to the Learning Record Store (no ORM): one POST of statements, its answer read as
"taken" or not, and the delay before a statement the LRS did not take is tried again.

xAPI 1.0.3's statements resource: `POST {endpoint}/statements` with a JSON list, the
`X-Experience-API-Version` header and HTTP basic authentication with the key and secret the
LRS gave the site. A statement the LRS has already (its id is deterministic) is taken: LRSs
answer 204, or 409 Conflict when what they hold differs, or 400 saying it "already exists".
"""

from __future__ import annotations

import base64
import datetime
import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass

XAPI_VERSION = "1.0.3"

# The longest wait between two tries of a statement the LRS did not take.
MAX_DELAY = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class Lrs:
    endpoint: str  # e.g. https://lrs.example.com/xAPI
    key: str
    secret: str
    timeout: float = 10

    @property
    def statements_url(self) -> str:
        return self.endpoint.rstrip("/") + "/statements"

    def headers(self) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Experience-API-Version": XAPI_VERSION,
        }
        if self.key or self.secret:
            pair = f"{self.key}:{self.secret}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        return headers


class LrsUnreachable(Exception):
    """No answer from the LRS: refused, timed out, a name that does not resolve."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: str

    def taken(self, count: int) -> bool:
        """Whether the LRS holds the `count` statements sent now (or held them already)."""
        if 200 <= self.status < 300:
            return True
        if count != 1:
            return False  # a batch is refused whole: which of them does it hold?
        return self.status == 409 or (self.status == 400 and "already exist" in self.body.lower())

    def __str__(self) -> str:
        return f"HTTP {self.status}: {self.body[:500]}".strip()


def post_statements(lrs: Lrs, statements: list[dict]) -> Answer:
    """POST `statements` to the LRS; LrsUnreachable when it does not answer."""
    body = json.dumps(statements, ensure_ascii=False, separators=(",", ":")).encode()
    request = urllib.request.Request(
        lrs.statements_url, data=body, method="POST", headers=lrs.headers()
    )
    try:
        with urllib.request.urlopen(request, timeout=lrs.timeout) as response:
            return Answer(response.status, _text(response.read(2000)))
    except urllib.error.HTTPError as error:
        return Answer(error.code, _text(error.read(2000)))
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise LrsUnreachable(f"{lrs.statements_url}: {reason}") from error


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failed try: a minute, then twice as long each
    time, at most a day."""
    if attempts < 1:
        return datetime.timedelta(0)
    return min(datetime.timedelta(minutes=2 ** min(attempts - 1, 20)), MAX_DELAY)
