import pytest


@pytest.fixture(autouse=True)
def _hr_without_second_factor(no_mfa_enforcement):
    """HR accounts need a second factor to open pages; not what these tests are about (the
    second factor has its own tests in tests/lms/test_mfa.py)."""
