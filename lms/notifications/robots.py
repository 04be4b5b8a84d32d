"""Whose group robot is whose: a robot per org unit, the nearest one up the tree, else the
company-wide one; checking a webhook an administrator pastes; showing secrets masked. Pure: no
database, no network (lms.notifications.selectors.robot_directory loads the directory).

A person's DingTalk robot is the one of their own org unit, else of the nearest unit above it
that has one, else the company's (LMS_DINGTALK_WEBHOOK); the same for WeCom, on its own. Org
units are materialised paths, so the units above a unit are the prefixes of its path: finding
a person's robot is a few dictionary look-ups, no query.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from lms.notifications.registry import DINGTALK, WECOM

ROBOT_CHANNELS = (DINGTALK, WECOM)

# The documented webhook of each vendor's group robot: its path and the query parameter that
# names the robot (https://open.dingtalk.com/document/robots/custom-robot-access,
# https://developer.work.weixin.qq.com/document/path/91770).
WEBHOOK_SHAPES = {
    DINGTALK: ("/robot/send", "access_token"),
    WECOM: ("/cgi-bin/webhook/send", "key"),
}
DEFAULT_HOSTS = ("oapi.dingtalk.com", "qyapi.weixin.qq.com")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Robot:
    channel: str
    webhook: str
    secret: str = ""  # DingTalk's "加签" secret; WeCom has none
    unit_name: str = ""  # the org unit it belongs to; "" for the company-wide setting


class RobotDirectory:
    """Every robot there is: the company-wide ones and those of the org units, by path."""

    def __init__(
        self,
        *,
        company: dict[str, Robot] | None = None,
        units: dict[str, dict[str, Robot]] | None = None,
        steplen: int = 4,
    ):
        self.company = {c: r for c, r in (company or {}).items() if r.webhook}
        self.units = {path: robots for path, robots in (units or {}).items() if robots}
        self.steplen = steplen

    @property
    def per_unit(self) -> bool:
        """Whether any org unit has a robot (else everyone gets the company's)."""
        return bool(self.units)

    def exists(self, channel: str) -> bool:
        return channel in self.company or any(channel in r for r in self.units.values())

    def robot(self, channel: str, unit_path: str | None) -> Robot | None:
        """The robot `channel` reaches a person of the unit at `unit_path` by, or None."""
        if unit_path and self.units:
            for end in range(len(unit_path), 0, -self.steplen):
                found = self.units.get(unit_path[:end], {}).get(channel)
                if found is not None:
                    return found
        return self.company.get(channel)

    def channels(self, unit_path: str | None) -> frozenset[str]:
        """The robot channels that reach a person of the unit at `unit_path`."""
        return frozenset(c for c in ROBOT_CHANNELS if self.robot(c, unit_path) is not None)


def webhook_problem(channel: str, url: str, allowed_hosts) -> str:
    """Why `url` is not a webhook of `channel`'s group robot on an allowed host ("" when it is).

    HTTPS on a host of `allowed_hosts` (LMS_ROBOT_HOSTS: by default the vendors' own), with the
    vendor's path and the parameter that names the robot; plain HTTP only to this machine
    (127.0.0.1, localhost), for tests and trials, and only when it is in `allowed_hosts` too.
    The address alone: no user name or password before the host, no port but on this machine,
    and nothing but printable ASCII (no space, line break or lookalike letter, which
    `urlsplit` would drop or the resolver map to another host than the one checked).
    Returns a code; the form words it."""
    url = url.strip()
    if not url or any(not "!" <= ch <= "~" for ch in url):
        return "not_a_url"
    try:
        parts = urllib.parse.urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return "not_a_url"
    if parts.scheme not in ("https", "http") or not host:
        return "not_a_url"
    if host not in {h.strip().lower() for h in allowed_hosts}:
        return "host"
    if "@" in parts.netloc or (port is not None and host not in LOOPBACK):
        return "address"
    if parts.scheme != "https" and host not in LOOPBACK:
        return "https"
    path, parameter = WEBHOOK_SHAPES[channel]
    query = urllib.parse.parse_qs(parts.query)
    if parts.path != path or not query.get(parameter, [""])[0]:
        return "shape"
    return ""


def masked(value: str, shown: int = 4) -> str:
    """A secret shown back: its last `shown` characters only ("" stays ""). A webhook keeps its
    address up to the robot's token: https://oapi.dingtalk.com/robot/send?access_token=…1a2b."""
    if not value:
        return ""
    tail = value[-shown:] if len(value) > 2 * shown else ""
    if "?" in value and "=" in value:
        head = value[: value.index("=", value.index("?")) + 1]
        return f"{head}…{tail}"
    return f"…{tail}"
