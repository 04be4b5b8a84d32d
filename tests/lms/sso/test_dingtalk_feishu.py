"""DingTalk and Feishu through allauth's providers, against a local HTTP server started by the
test that answers as their open platforms document (the token and user-info JSON below), and
checks what the site sends them. The providers' addresses are pointed at it; nothing of ours is
replaced."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest
from django.contrib.auth import SESSION_KEY

from lms.models import StaffProfile, User
from lms.models.audit import AuditAction, AuditEvent
from tests.lms.sso.open_platforms import FEISHU_USER, sign_in


def set_phone(profile: StaffProfile, phone: str) -> None:
    profile.phone = phone
    profile.save(update_fields=["phone"])


@pytest.mark.django_db
def test_dingtalk_signs_in_the_person_whose_profile_has_that_mobile(client, dingtalk, people):
    set_phone(people["learner"], "+86 138-0013-8000")

    response = sign_in(client, "dingtalk", dingtalk, code_param="authCode")

    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(people["learner"].user.pk)
    token_request = dingtalk.sent("/v1.0/oauth2/userAccessToken")
    assert json.loads(token_request["body"]) == {
        "clientId": "dingabc123",
        "clientSecret": "dt-secret",
        "code": "the-code",
        "grantType": "authorization_code",
    }
    me = dingtalk.sent("/v1.0/contact/users/me")
    assert me["headers"]["x-acs-dingtalk-access-token"] == "dt-access-6b1f"
    account = people["learner"].user.socialaccount_set.get()
    assert (account.provider, account.uid) == ("dingtalk", "dt-open-1a2b3c")


@pytest.mark.django_db
def test_dingtalk_mobile_that_no_profile_has_is_refused(client, dingtalk, people):
    users_before = User.objects.count()

    response = sign_in(client, "dingtalk", dingtalk, code_param="authCode")

    assert response.status_code == 403
    assert SESSION_KEY not in client.session
    assert User.objects.count() == users_before
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.actor_label == "13800138000"
    assert failed.details == {"provider": "dingtalk", "reason": "unknown", "by": ""}


@pytest.mark.django_db
def test_a_mobile_two_profiles_share_is_refused(client, dingtalk, people):
    set_phone(people["learner"], "13800138000")
    set_phone(people["colleague"], "138 0013 8000")

    response = sign_in(client, "dingtalk", dingtalk, code_param="authCode")

    assert response.status_code == 403
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED).details["reason"] == "ambiguous"


@pytest.mark.django_db
def test_feishu_signs_in_by_employee_number(client, feishu, people):
    response = sign_in(client, "feishu", feishu)

    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(people["colleague"].user.pk)  # L002
    app_token = feishu.sent("/open-apis/auth/v3/app_access_token/internal/")
    assert parse_qs(app_token["body"]) == {"app_id": ["cli_a1b2c3"], "app_secret": ["fs-secret"]}
    token = json.loads(feishu.sent("/open-apis/authen/v1/access_token")["body"])
    assert token["code"] == "the-code" and token["app_access_token"] == "a-app-token-77"
    user_info = feishu.sent("/open-apis/authen/v1/user_info")
    assert user_info["headers"]["Authorization"] == "Bearer u-user-token-42"


@pytest.mark.django_db
def test_feishu_without_an_employee_number_signs_in_by_mobile(client, feishu, people):
    data = {key: value for key, value in FEISHU_USER["data"].items() if key != "employee_no"}
    feishu.answers["/open-apis/authen/v1/user_info"] = {**FEISHU_USER, "data": data}
    set_phone(people["south"], "13900139000")

    response = sign_in(client, "feishu", feishu)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(people["south"].user.pk)


@pytest.mark.django_db
def test_an_unconfigured_provider_has_no_pages(client, configure_sso, people):
    configure_sso()
    assert client.get("/accounts/dingtalk/login/").status_code == 404
    assert client.post("/accounts/feishu/login/").status_code == 404
    assert client.get("/accounts/oidc/company/login/").status_code == 404
    page = client.get("/accounts/login/").content.decode()
    assert "/accounts/dingtalk/" not in page and "sso-providers" not in page
