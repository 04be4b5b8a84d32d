import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _hr_without_second_factor(no_mfa_enforcement):
    """HR accounts need a second factor to open pages; not what these tests are about (the
    second factor has its own tests in tests/lms/test_mfa.py)."""


@pytest.fixture
def english():
    """English, for the tests that assert the English texts (zh-hans is the default); a module
    asks for it with `pytestmark = pytest.mark.usefixtures("english")`."""
    with translation.override("en"):
        yield
