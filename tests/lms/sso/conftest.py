"""Sign-in with the company's identity: the providers configured as an operator would, through
the environment variables that lms/settings/sso.py reads."""

import os

import environ
import pytest

from lms.settings.sso import social_providers
from tests.lms.sso.open_platforms import dingtalk, feishu, platform  # noqa: F401 (fixtures)


@pytest.fixture
def configure_sso(settings, monkeypatch):
    """Set the LMS_* variables given and rebuild SOCIALACCOUNT_PROVIDERS from them."""

    def configure(**variables):
        for name in list(os.environ):
            if name.startswith(("LMS_OIDC_", "LMS_DINGTALK_", "LMS_FEISHU_")):
                monkeypatch.delenv(name)
        for name, value in variables.items():
            monkeypatch.setenv(name, str(value))
        settings.SOCIALACCOUNT_PROVIDERS = social_providers(environ.Env())
        return settings.SOCIALACCOUNT_PROVIDERS

    return configure
