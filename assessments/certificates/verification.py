"""The public verification of certificates: what anyone holding a code may learn, and no more.

- `mask_name` and the code helpers are pure (property-tested in
  tests/assessments/certificates/test_masking.py).
- `certificate_for_code` is the one read: a single query, the same whether or not the code
  exists or is even well formed, so that neither the answer nor its timing tells a guesser
  anything.
- `lookup_allowed` is the rate limit: fixed windows per client address, in the cache
  (Redis in production, so every worker shares the counts).
"""

from __future__ import annotations

import datetime
import hashlib
import re
import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from assessments.models.certificates import (
    Certificate,
    CertificateKind,
    CertificateStatus,
)
from lms.platform.cache import window_count

# Crockford's base32 (no I, L, O, U): what `assessments.certificates.new_code` draws from.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


CODE_LENGTH = 16


CODE_GROUP = 4


# Letters people misread on paper, read the way Crockford's base32 reads them.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


_SEPARATORS = re.compile(r"[\s\-_.\u2010-\u2015\u2212\u30fc\uff0d]+")


_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


_VALID_CODE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")


# Kept visible in a masked name: they separate a name's parts, they are not letters of it
# (spaces in "Wang Zhe", the middle dot in "买买提·艾力", hyphens, apostrophes, full stops).
NAME_SEPARATORS = frozenset(" \u00b7\u30fb\u2022\u2027-\u2010'\u2019.")


MASK = "*"


# Names -------------------------------------------------------------------------------------


def mask_name(name: str) -> str:
    """The name with every letter but the first and the last replaced by `*`.

    At least one letter is always masked, so a name is never shown whole: 张伟 -> 张*,
    张三丰 -> 张*丰, 欧阳修远 -> 欧**远, and a one-letter name -> *. Separators stay where they
    are (Latin names: "Wang Zhe" -> "W*** **e"), as do the masks' number, one per letter:
    the length of a name is not worth hiding and keeps the result readable. Letters are
    code points after NFC normalisation, so characters outside the BMP (𠮷) count as one.
    """
    text = " ".join(unicodedata.normalize("NFC", name or "").split())
    letters = [i for i, ch in enumerate(text) if ch not in NAME_SEPARATORS]
    if not letters:
        return ""
    keep = set()
    if len(letters) >= 2:
        keep.add(letters[0])
    if len(letters) >= 3:
        keep.add(letters[-1])
    return "".join(
        ch if (i in keep or ch in NAME_SEPARATORS) else MASK for i, ch in enumerate(text)
    )


# Codes -------------------------------------------------------------------------------------


def normalise_code(raw: str) -> str:
    """What was typed (or scanned), as the letters of a code: upper case, without dashes or
    spaces, misread letters corrected. Other characters are dropped; the result may still
    not be a valid code (see `is_valid_code`)."""
    text = unicodedata.normalize("NFKC", raw or "").upper()
    text = _SEPARATORS.sub("", text).translate(_LOOKALIKES)
    return _NOT_ALNUM.sub("", text)[:64]


def is_valid_code(letters: str) -> bool:
    return bool(_VALID_CODE.fullmatch(letters))


def stored_code(text: str) -> str:
    """A code as typed (any case, with or without dashes or spaces, O for 0, I or L for 1) as
    the issuing service stores it; "" when it cannot be a code."""
    letters = normalise_code(text)
    return letters if is_valid_code(letters) else ""


def group_code(letters: str) -> str:
    """XXXX-XXXX-XXXX-XXXX: how a code is printed and shown."""
    return "-".join(letters[i : i + CODE_GROUP] for i in range(0, len(letters), CODE_GROUP))


# The lookup --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """All the verification page shows of a certificate."""

    masked_name: str
    serial: str
    issuer: str  # the issuing company, as the certificate keeps it ("" when none was named)
    seal_url: str  # the company's seal the certificate was issued under ("" when none)
    kind: str
    kind_label: str
    subject: str  # the course's title or the cycle's name
    issued_on: datetime.date
    expires_on: datetime.date | None
    status: CertificateStatus

    @property
    def status_label(self) -> str:
        return CertificateStatus(self.status).label


def certificate_for_code(raw: str, *, today: datetime.date | None = None) -> Verification | None:
    """The verification of the certificate with this code, or None.

    One query whatever the input: a malformed code is looked up too (it matches nothing), so
    that a found, an unknown and a malformed code cost the same. The code is matched as
    stored by the issuing service, with or without its dashes.
    """
    letters = normalise_code(raw)
    candidates = [letters, group_code(letters)] if letters else ["-"]
    certificate = (
        Certificate.objects.filter(code__in=candidates)
        .select_related("user__profile", "course", "cycle", "seal")
        .first()
    )
    if certificate is None or not is_valid_code(letters):
        return None
    return verification_of(certificate, today=today)


def verification_of(certificate: Certificate, *, today=None) -> Verification:
    content = certificate.content or {}
    name = content.get("name") or certificate.user.display_name
    if certificate.kind == CertificateKind.COURSE:
        subject = (content.get("course") or {}).get("title") or (
            certificate.course.title if certificate.course else ""
        )
    else:
        subject = (content.get("cycle") or {}).get("name") or (
            certificate.cycle.name if certificate.cycle else ""
        )
    return Verification(
        masked_name=mask_name(name),
        serial=certificate.serial,
        issuer=certificate.issuer_name,
        seal_url=seal_url(certificate.seal),
        kind=certificate.kind,
        kind_label=CertificateKind(certificate.kind).label,
        subject=subject,
        issued_on=timezone.localdate(certificate.issued_at),
        expires_on=certificate.expires_on,
        status=certificate.status(today),
    )


def seal_url(image) -> str:
    """The uploaded file's own address (no rendition: no query, the page stays one query)."""
    if image is None or not image.file:
        return ""
    try:
        return image.file.url
    except ValueError:
        return ""


# The rate limit ----------------------------------------------------------------------------

# (window in seconds, the setting that holds its limit, its default)
WINDOWS = (
    (60, "LMS_VERIFY_PER_MINUTE", 20),
    (24 * 3600, "LMS_VERIFY_PER_DAY", 200),
)


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after: int  # seconds until the window that refused ends (0 when allowed)


def lookup_allowed(client: str | None, *, now: float | None = None) -> RateDecision:
    """Count one lookup from `client` (its address) and say whether it may go ahead.

    Fixed windows (a minute, a day), one counter per window in the cache; every lookup
    counts, found or not, so guessing is slow either way. The address is hashed: the cache
    holds no addresses.
    """
    now = time.time() if now is None else now
    who = hashlib.sha256((client or "unknown").encode()).hexdigest()[:32]
    retry_after = 0
    for seconds, setting, default in WINDOWS:
        limit = getattr(settings, setting, default)
        window = int(now // seconds)
        key = f"verify:{who}:{seconds}:{window}"
        used = window_count(key, seconds + 5)
        if used > limit:
            retry_after = max(retry_after, int((window + 1) * seconds - now) + 1)
    return RateDecision(allowed=retry_after == 0, retry_after=retry_after)


def verification_url(certificate: Certificate) -> str:
    """The public address that checks `certificate` (printed as its QR code)."""
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return base + reverse("certificates:verify", args=[certificate.code])
