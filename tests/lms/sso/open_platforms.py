"""DingTalk's and Feishu's open platforms as a local HTTP server: their documented token and
user-info answers (below), at their paths, recording what the site sends them."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from allauth.socialaccount.providers.dingtalk.views import DingTalkOAuth2Adapter
from allauth.socialaccount.providers.feishu.client import FeishuOAuth2Client
from allauth.socialaccount.providers.feishu.views import FeishuOAuth2Adapter

# DingTalk: POST /v1.0/oauth2/userAccessToken, then GET /v1.0/contact/users/me
# (open.dingtalk.com, "获取用户token" and "获取用户通讯录个人信息").
DINGTALK_TOKEN = {
    "accessToken": "dt-access-6b1f",
    "refreshToken": "dt-refresh-93c2",
    "expireIn": 7200,
    "corpId": "ding5f2c8c7a3e2e4b1c",
}
DINGTALK_ME = {
    "nick": "王喆",
    "avatarUrl": "https://static-legacy.dingtalk.com/media/avatar.jpg",
    "mobile": "13800138000",
    "openId": "dt-open-1a2b3c",
    "unionId": "z21HjQliSzpw0YWCNxmii6u2Os62cZ62iSiE",
    "email": "wang.zhe@example.com",
    "stateCode": "86",
}
# Feishu: POST /open-apis/auth/v3/app_access_token/internal, POST /open-apis/authen/v1/
# access_token, GET /open-apis/authen/v1/user_info (open.feishu.cn, "获取登录用户信息").
FEISHU_APP_TOKEN = {"code": 0, "msg": "ok", "app_access_token": "a-app-token-77", "expire": 7140}
FEISHU_TOKEN = {
    "code": 0,
    "msg": "success",
    "data": {
        "access_token": "u-user-token-42",
        "token_type": "Bearer",
        "expires_in": 7140,
        "refresh_token": "ur-refresh-42",
        "refresh_expires_in": 2591940,
    },
}
FEISHU_USER = {
    "code": 0,
    "msg": "success",
    "data": {
        "name": "李堃",
        "en_name": "Li Kun",
        "avatar_url": "https://s1-imfile.feishucdn.com/avatar.jpg",
        "open_id": "ou_caecc734c2e3328a62489fe0648c4b98779515d3",
        "union_id": "on_d89jhsdhjsajkda7828enjdj328ydhhw3u43yjhdj",
        "email": "li.kun@example.com",
        "enterprise_email": "li.kun@courier.example.com",
        "user_id": "5d9bdxxx",
        "mobile": "+8613900139000",
        "tenant_key": "736588c92lxf175d",
        "employee_no": "L002",
    },
}


class OpenPlatform:
    """A loopback HTTP server answering at the paths of DingTalk's and Feishu's APIs."""

    def __init__(self):
        self.answers: dict[str, dict] = {}
        self.requests: list[dict] = []
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                platform.requests.append(
                    {
                        "method": self.command,
                        "path": url.path,
                        "query": parse_qs(url.query),
                        "headers": dict(self.headers),
                        "body": body,
                    }
                )
                answer = platform.answers.get(url.path)
                payload = json.dumps(answer if answer is not None else {"error": "no"}).encode()
                self.send_response(200 if answer is not None else 404)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def sent(self, path: str) -> dict:
        return next(r for r in self.requests if r["path"] == path)


@pytest.fixture
def platform(monkeypatch):
    server = OpenPlatform()
    server.thread.start()
    base = server.url
    for owner, name, path in [
        (DingTalkOAuth2Adapter, "authorize_url", "/oauth2/auth"),
        (DingTalkOAuth2Adapter, "access_token_url", "/v1.0/oauth2/userAccessToken"),
        (DingTalkOAuth2Adapter, "profile_url", "/v1.0/contact/users/me"),
        (FeishuOAuth2Adapter, "authorization_url", "/open-apis/authen/v1/index"),
        (FeishuOAuth2Adapter, "access_token_url", "/open-apis/authen/v1/access_token"),
        (FeishuOAuth2Adapter, "user_info_url", "/open-apis/authen/v1/user_info"),
        (
            FeishuOAuth2Client,
            "app_access_token_url",
            "/open-apis/auth/v3/app_access_token/internal/",
        ),
    ]:
        monkeypatch.setattr(owner, name, base + path)
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def dingtalk(platform, configure_sso):
    configure_sso(LMS_DINGTALK_CLIENT_ID="dingabc123", LMS_DINGTALK_CLIENT_SECRET="dt-secret")
    platform.answers["/v1.0/oauth2/userAccessToken"] = DINGTALK_TOKEN
    platform.answers["/v1.0/contact/users/me"] = DINGTALK_ME
    return platform


@pytest.fixture
def feishu(platform, configure_sso):
    configure_sso(LMS_FEISHU_APP_ID="cli_a1b2c3", LMS_FEISHU_APP_SECRET="fs-secret")
    platform.answers["/open-apis/auth/v3/app_access_token/internal/"] = FEISHU_APP_TOKEN
    platform.answers["/open-apis/authen/v1/access_token"] = FEISHU_TOKEN
    platform.answers["/open-apis/authen/v1/user_info"] = FEISHU_USER
    return platform


def sign_in(client, provider: str, platform: OpenPlatform, code_param: str = "code"):
    """Press the provider's button, then come back from the platform with a code."""
    page = client.get("/accounts/login/")
    assert f'action="/accounts/{provider}/login/' in page.content.decode()
    to_platform = client.post(f"/accounts/{provider}/login/?process=login")
    assert to_platform.status_code == 302
    assert to_platform["Location"].startswith(platform.url)
    state = parse_qs(urlparse(to_platform["Location"]).query)["state"][0]
    return client.get(
        f"/accounts/{provider}/login/callback/", {code_param: "the-code", "state": state}
    )
