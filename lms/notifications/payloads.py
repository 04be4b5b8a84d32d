"""What each external channel is sent: the JSON of DingTalk's and WeCom's group robots and
DingTalk's signature. Pure: no database, no network.

DingTalk custom robot (自定义机器人, "加签" security): POST JSON to the webhook URL with two more
query parameters, `timestamp` (milliseconds) and `sign`, the URL-encoded base64 of the
HMAC-SHA256 of "timestamp\\nsecret" keyed with the secret. A person is @-mentioned by mobile:
"@<mobile>" in the text and the number in `at.atMobiles`.

WeCom group robot (群机器人): POST JSON {"msgtype": "markdown", "markdown": {"content": ...}} to
https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY.

Both answer HTTP 200 with {"errcode": 0, "errmsg": "ok"}; any other errcode is a failure.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    link: str = ""  # absolute URL of the thing
    link_label: str = "Open"
    mobile: str = ""  # the person's mobile, to @-mention them in a group


def dingtalk_sign(timestamp_ms: int, secret: str) -> str:
    """DingTalk's `sign` parameter, URL-encoded."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def dingtalk_url(webhook: str, secret: str, timestamp_ms: int) -> str:
    """The webhook URL with `timestamp` and `sign` added (unchanged when there is no secret)."""
    if not secret:
        return webhook
    joiner = "&" if "?" in webhook else "?"
    return f"{webhook}{joiner}timestamp={timestamp_ms}&sign={dingtalk_sign(timestamp_ms, secret)}"


def _markdown(message: Message) -> str:
    lines = [f"### {message.subject}", "", message.body.strip()]
    if message.link:
        lines += ["", f"[{message.link_label}]({message.link})"]
    return "\n".join(lines)


def dingtalk_payload(message: Message) -> dict:
    text = _markdown(message)
    if message.mobile:
        text += f"\n\n@{message.mobile}"
    return {
        "msgtype": "markdown",
        "markdown": {"title": message.subject, "text": text},
        "at": {"atMobiles": [message.mobile] if message.mobile else [], "isAtAll": False},
    }


def wecom_payload(message: Message) -> dict:
    return {"msgtype": "markdown", "markdown": {"content": _markdown(message)}}


def robot_answer_ok(status: int, answer: dict | None) -> tuple[bool, str]:
    """Whether a robot took the message, and the error to record when not."""
    if status != 200:
        return False, f"HTTP {status}"
    if not isinstance(answer, dict) or answer.get("errcode") != 0:
        return False, f"answer {answer!r}"[:500]
    return True, ""


def in_quiet_hours(spec: str, minute_of_day: int) -> bool:
    """Whether a local time (minutes after midnight) is in the quiet hours "HH:MM-HH:MM"
    (which may run over midnight, e.g. "22:00-07:00"); "" means none."""
    window = quiet_window(spec)
    if window is None:
        return False
    start, end = window
    if start <= end:
        return start <= minute_of_day < end
    return minute_of_day >= start or minute_of_day < end


def quiet_window(spec: str) -> tuple[int, int] | None:
    spec = (spec or "").strip()
    if not spec:
        return None
    start, _, end = spec.partition("-")

    def minutes(text: str) -> int:
        hours, _, mins = text.strip().partition(":")
        value = int(hours) * 60 + int(mins or 0)
        if not 0 <= value < 24 * 60:
            raise ValueError(f"not a time of day: {text!r}")
        return value

    return minutes(start), minutes(end)
