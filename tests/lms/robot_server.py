"""A local HTTP server standing in for DingTalk's and WeCom's group robots, started by the
tests: it answers at the vendors' own paths, checks each robot's documented JSON and recomputes
DingTalk's signature from the robot's shared secret, and answers as they do ({"errcode": 0} or
an error code)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

SECRET = "SEC-test-secret-加签"
# The robots the server knows: DingTalk's by access_token (with each one's secret), WeCom's
# by key. "robot-token" and "wecom-key" are the company-wide ones of the `robots` fixture.
DINGTALK_SECRETS = {
    "robot-token": SECRET,
    "east-token": "SEC-east",
    "pudong-token": "SEC-pudong",
    "south-token": "SEC-south",
}
WECOM_KEYS = {"wecom-key", "east-key", "pudong-key", "south-key"}


class Robots(BaseHTTPRequestHandler):
    """DingTalk's robot at /robot/send, WeCom's at /cgi-bin/webhook/send. `received` holds
    (vendor, robot, payload) for each message; `answers` are HTTP statuses to give first
    (then 200)."""

    received: list = []
    problems: list = []
    answers: list = []
    base = ""
    # When set, every POST is answered "302 Found" to this address (a robot's host sending the
    # site on inside the company's network); `fetched` holds the paths asked for by GET.
    redirect_to = ""
    fetched: list = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        type(self).fetched.append(self.path)
        raw = json.dumps({"errcode": 0, "errmsg": "internal secrets"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_POST(self):
        if type(self).redirect_to:
            self.rfile.read(int(self.headers["Content-Length"]))
            type(self).received.append(("redirected", self.path, None))
            self.send_response(302)
            self.send_header("Location", type(self).redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if url.path == "/robot/send":
            vendor, robot = "dingtalk", query.get("access_token", [""])[0]
            problem = self._dingtalk(query, payload)
        elif url.path == "/cgi-bin/webhook/send":
            vendor, robot = "wecom", query.get("key", [""])[0]
            problem = self._wecom(query, payload)
        else:
            vendor, robot, problem = "", "", f"unknown path {url.path}"
        type(self).received.append((vendor, robot, payload))
        if problem:
            type(self).problems.append(problem)
        status = type(self).answers.pop(0) if type(self).answers else 200
        body = {"errcode": 310000 if problem else 0, "errmsg": problem or "ok"}
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    @staticmethod
    def _dingtalk(query, payload) -> str:
        secret = DINGTALK_SECRETS.get(query.get("access_token", [""])[0])
        if secret is None:
            return "access_token"
        timestamp = query["timestamp"][0]
        if abs(int(timestamp) - time.time() * 1000) > 3600_000:
            return "timestamp out of range"
        expected = base64.b64encode(
            hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
        ).decode()
        if query["sign"] != [expected]:
            return "sign mismatch"
        if payload.get("msgtype") != "markdown":
            return "msgtype"
        if set(payload["markdown"]) != {"title", "text"}:
            return "markdown fields"
        if not isinstance(payload.get("at", {}).get("atMobiles"), list):
            return "at"
        return ""

    @staticmethod
    def _wecom(query, payload) -> str:
        if query.get("key", [""])[0] not in WECOM_KEYS:
            return "key"
        kind = payload.get("msgtype")
        if kind == "markdown":
            if set(payload) != {"msgtype", "markdown"} or set(payload["markdown"]) != {"content"}:
                return "wecom markdown"
            if len(payload["markdown"]["content"].encode()) > 4096:
                return "wecom markdown too long"
            return ""
        if kind == "text":
            text = payload.get("text", {})
            if set(payload) != {"msgtype", "text"} or not isinstance(text.get("content"), str):
                return "wecom text"
            if not set(text) <= {"content", "mentioned_list", "mentioned_mobile_list"}:
                return "wecom text fields"
            mobiles = text.get("mentioned_mobile_list", [])
            if not isinstance(mobiles, list) or not all(isinstance(m, str) for m in mobiles):
                return "wecom mentioned_mobile_list"
            if len(text["content"].encode()) > 2048:
                return "wecom text too long"
            return ""
        return "wecom msgtype"


def dingtalk_webhook(base: str, token: str) -> str:
    return f"{base}/robot/send?access_token={token}"


def wecom_webhook(base: str, key: str) -> str:
    return f"{base}/cgi-bin/webhook/send?key={key}"


@pytest.fixture
def robots(settings):
    """The robot server, with the company-wide robots pointing at it and every channel on."""
    Robots.received, Robots.problems, Robots.answers = [], [], []
    Robots.redirect_to, Robots.fetched = "", []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Robots)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Robots.base = base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.LMS_NOTIFY_CHANNELS = ["email", "dingtalk", "wecom"]
    settings.LMS_DINGTALK_WEBHOOK = dingtalk_webhook(base, "robot-token")
    settings.LMS_DINGTALK_SECRET = SECRET
    settings.LMS_WECOM_WEBHOOK = wecom_webhook(base, "wecom-key")
    settings.LMS_ROBOT_HOSTS = ["oapi.dingtalk.com", "qyapi.weixin.qq.com", "127.0.0.1"]
    settings.LMS_NOTIFY_QUIET_HOURS = ""
    yield Robots
    server.shutdown()
    server.server_close()
