"""Sign-in with the company's identity: the providers configured as an operator would, through
the environment variables that lms/settings/sso.py reads."""

import environ
import pytest

from lms.settings.sso import social_providers


@pytest.fixture
def configure_sso(settings, monkeypatch):
    """Set the LMS_* variables given and rebuild SOCIALACCOUNT_PROVIDERS from them."""

    def configure(**variables):
        for name in list(__import__("os").environ):
            if name.startswith(("LMS_OIDC_", "LMS_DINGTALK_", "LMS_FEISHU_")):
                monkeypatch.delenv(name)
        for name, value in variables.items():
            monkeypatch.setenv(name, str(value))
        settings.SOCIALACCOUNT_PROVIDERS = social_providers(environ.Env())
        return settings.SOCIALACCOUNT_PROVIDERS

    return configure
