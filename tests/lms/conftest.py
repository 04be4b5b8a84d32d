"""Fixtures of the tests of lms: the local group-robot server (tests/lms/robot_server.py)."""

from tests.lms.robot_server import robots  # noqa: F401 (the fixture, for every test here)
