"""Fixtures of the cycle tests."""

import pytest

from tests.factories import make_cycle


@pytest.fixture
def cycle():
    """The fourth quarter of 2026, a draft (modules whose tests need results in it have a
    `cycle` of their own)."""
    return make_cycle()
