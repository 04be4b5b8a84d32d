"""Fixtures of the tests of lms: the local group-robot server (tests/lms/robot_server.py) and
the local SMTP relay (tests/lms/smtp_server.py)."""

from tests.lms.robot_server import robots  # noqa: F401 (the fixture, for every test here)
from tests.lms.smtp_server import smtp_relay  # noqa: F401 (the fixture, for every test here)
