"""What each external channel is sent: the JSON of DingTalk's and WeCom's group robots and
DingTalk's signature. Pure: no database, no network.

DingTalk custom robot (自定义机器人, "加签" security): POST JSON to the webhook URL with two more
query parameters, `timestamp` (milliseconds) and `sign`, the URL-encoded base64 of the
HMAC-SHA256 of "timestamp\\nsecret" keyed with the secret. A person is @-mentioned by mobile:
"@<mobile>" in the text and the number in `at.atMobiles`.

WeCom group robot (群机器人): POST JSON to https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY.
Its markdown message {"msgtype": "markdown", "markdown": {"content": ...}} mentions people only
by WeCom user id, which staff records do not hold; its text message
{"msgtype": "text", "text": {"content": ..., "mentioned_mobile_list": [mobile]}} mentions by
mobile. So a person with a mobile on their staff record gets the text message (subject, body
and link as plain text, at most 2048 bytes), @-mentioning them; anyone else the markdown one.

Both answer HTTP 200 with {"errcode": 0, "errmsg": "ok"}; any other errcode is a failure.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import urllib.parse
from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    link: str = ""  # absolute URL of the thing
    link_label: str = "Open"
    mobile: str = ""  # the person's mobile, to @-mention them in a group
    link_line: str = ""  # the link as a line of plain text, in the person's language


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


WECOM_TEXT_BYTES = 2048  # the most a WeCom text message may hold, in UTF-8


def _plain(message: Message, limit: int = WECOM_TEXT_BYTES) -> str:
    """Subject, body and link as plain text, the body cut short (with …) to fit `limit`
    bytes; the subject and the link are always whole."""
    head = message.subject.strip()
    tail = (message.link_line or f"{message.link_label}: {message.link}") if message.link else ""
    body = message.body.strip()

    def joined(text: str) -> str:
        return "\n\n".join(part for part in (head, text, tail) if part)

    if len(joined(body).encode()) <= limit:
        return joined(body)
    room = limit - len(joined("…").encode())
    cut = body.encode()[: max(room, 0)].decode("utf-8", "ignore").rstrip()
    return joined(f"{cut}…")


def wecom_payload(message: Message) -> dict:
    if message.mobile:
        return {
            "msgtype": "text",
            "text": {"content": _plain(message), "mentioned_mobile_list": [message.mobile]},
        }
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


_TIME = re.compile(r"([01]?[0-9]|2[0-3])(?::([0-5][0-9]))?")


def quiet_window(spec: str) -> tuple[int, int] | None:
    """The quiet hours "HH:MM-HH:MM" as (start, end) in minutes after midnight; None for "".
    ValueError, saying why, for anything else: a time that is no time of day ("25:00",
    "22:75"), a missing end, a window that starts where it ends (no quiet hours, or all day?)."""
    spec = (spec or "").strip()
    if not spec:
        return None
    start, sep, end = spec.partition("-")

    def minutes(text: str) -> int:
        found = _TIME.fullmatch(text.strip())
        if not found:
            raise ValueError(f"not a time of day (HH:MM): {text.strip()!r}")
        return int(found[1]) * 60 + int(found[2] or 0)

    if not sep:
        raise ValueError(f"not a window HH:MM-HH:MM: {spec!r}")
    window = minutes(start), minutes(end)
    if window[0] == window[1]:
        raise ValueError(f"the quiet hours start when they end: {spec!r}")
    return window
