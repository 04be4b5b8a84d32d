"""What each provider's answer says about the person (lms/sso/identity.py, pure)."""

from hypothesis import given
from hypothesis import strategies as st

from lms.sso.identity import Identity, identity_from, normalise_mobile


@given(
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["", "+86 ", "0086", "86"])
)
def test_a_chinese_mobile_is_the_same_number_however_it_is_written(mobile, prefix):
    spaced = f"{mobile[:3]}-{mobile[3:7]} {mobile[7:]}"
    assert normalise_mobile(prefix + spaced) == mobile
    assert normalise_mobile(mobile, "86") == mobile


def test_a_foreign_mobile_keeps_its_country_code():
    assert normalise_mobile("91234567", "852") == "85291234567"
    assert normalise_mobile("+852 9123 4567") == "85291234567"


def test_oidc_reads_the_employee_claim_from_userinfo_then_the_id_token():
    data = {"userinfo": {"sub": "s"}, "id_token": {"sub": "s", "employeeid": "E1", "amr": ["pwd"]}}
    identity = identity_from("openid_connect", "s", data, employee_claim="employeeid")
    assert identity.employee_number == "E1"
    assert identity.amr == ("pwd",)
    assert not identity.second_factor_used


def test_oidc_email_counts_only_when_verified():
    unverified = {"userinfo": {"email": "a@example.com", "email_verified": False}}
    verified = {"userinfo": {"email": "a@example.com", "email_verified": True}}
    assert identity_from("openid_connect", "s", unverified).verified_email == ""
    assert identity_from("openid_connect", "s", verified).verified_email == "a@example.com"


def test_an_employee_number_given_as_a_number_is_text():
    identity = identity_from("openid_connect", "s", {"id_token": {"employee_number": 1001}})
    assert identity.employee_number == "1001"


def test_dingtalk_gives_the_mobile_only():
    data = {"openId": "o", "mobile": "13800138000", "stateCode": "86", "email": "x@example.com"}
    identity = identity_from("dingtalk", "o", data)
    assert identity == Identity(provider="dingtalk", uid="o", mobile="13800138000")
    assert identity.second_factor_used  # no amr: the provider is trusted as configured


def test_feishu_gives_the_employee_number_the_mobile_and_the_company_mailbox():
    data = {
        "open_id": "ou",
        "employee_no": "L002",
        "mobile": "+8613900139000",
        "email": "personal@example.com",
        "enterprise_email": "li.kun@courier.example.com",
    }
    identity = identity_from("feishu", "ou", data)
    assert (identity.employee_number, identity.mobile) == ("L002", "13900139000")
    assert identity.verified_email == "li.kun@courier.example.com"
    assert identity.label == "L002"
