"""What a provider says about the person signing in, as the keys we match staff by (pure).

Each provider returns its own JSON (allauth keeps it as the social account's `extra_data`):

- OpenID Connect: `{"userinfo": {...}, "id_token": {...}}`, the employee number in the claim
  LMS_OIDC_EMPLOYEE_CLAIM of either (userinfo first: Azure AD and others put custom claims in
  the ID token only), the e-mail with `email_verified`, the ID token's `amr`;
- DingTalk (`GET /v1.0/contact/users/me`): `nick`, `openId`, `unionId`, `mobile`, `stateCode`,
  `email`, and no employee number: DingTalk staff are matched by their mobile;
- Feishu (`GET /open-apis/authen/v1/user_info`, its `data`): `open_id`, `user_id`,
  `employee_no` (LMS_FEISHU_EMPLOYEE_FIELD), `mobile` (with +86), `email`, `enterprise_email`
  (the tenant's own mailbox: verified by the company).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# RFC 8176 values of `amr` that say a second factor was used.
SECOND_FACTOR_AMR = frozenset({"mfa", "otp"})


@dataclass(frozen=True)
class Identity:
    provider: str
    uid: str
    employee_number: str = ""
    mobile: str = ""  # digits, the country code 86 dropped
    verified_email: str = ""
    amr: tuple[str, ...] | None = None  # None: the provider said nothing about it

    @property
    def label(self) -> str:
        """How the audit log names the attempt: the employee number, else the mobile, else
        the provider's id for the person."""
        return self.employee_number or self.mobile or self.verified_email or self.uid

    @property
    def second_factor_used(self) -> bool:
        """Whether the provider's own account of the sign-in allows trusting its second
        factor: no `amr` at all (the provider is trusted as configured), or one naming it."""
        return self.amr is None or bool(SECOND_FACTOR_AMR & set(self.amr))


def normalise_mobile(value: str, country_code: str = "") -> str:
    """A phone number as digits, China's country code dropped: "+86 138-0013-8000",
    "8613800138000" and "13800138000" are the same number."""
    digits = re.sub(r"\D", "", value or "")
    code = re.sub(r"\D", "", country_code or "")
    if digits.startswith("00"):
        digits = digits[2:]
    if code and code != "86" and not digits.startswith(code):
        digits = code + digits
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


def _text(value) -> str:
    return str(value).strip() if value not in (None, "") else ""


def _verified(value) -> bool:
    return value is True or str(value).lower() == "true"


def identity_from(
    provider: str,
    uid: str,
    data: dict,
    *,
    employee_claim: str = "employee_number",
    feishu_employee_field: str = "employee_no",
) -> Identity:
    """The keys in a provider's answer (allauth's `extra_data` of the social account)."""
    if provider == "openid_connect":
        sources = [data.get("userinfo") or {}, data.get("id_token") or {}]
        if not any(sources):  # allauth before 65.11 kept the claims flat
            sources = [data]

        def claim(name):
            return next((s[name] for s in sources if s.get(name) not in (None, "")), None)

        email = _text(claim("email"))
        amr = next((s["amr"] for s in reversed(sources) if isinstance(s.get("amr"), list)), None)
        return Identity(
            provider=provider,
            uid=uid,
            employee_number=_text(claim(employee_claim)),
            mobile=normalise_mobile(_text(claim("phone_number")))
            if _verified(claim("phone_number_verified"))
            else "",
            verified_email=email if email and _verified(claim("email_verified")) else "",
            amr=tuple(str(value) for value in amr) if amr is not None else None,
        )
    if provider == "dingtalk":
        return Identity(
            provider=provider,
            uid=uid,
            mobile=normalise_mobile(_text(data.get("mobile")), _text(data.get("stateCode"))),
        )
    if provider == "feishu":
        return Identity(
            provider=provider,
            uid=uid,
            employee_number=_text(data.get(feishu_employee_field)),
            mobile=normalise_mobile(_text(data.get("mobile"))),
            verified_email=_text(data.get("enterprise_email")),
        )
    return Identity(provider=provider, uid=uid)
