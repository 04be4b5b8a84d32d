"""Sign-in with the company's identity: allauth's providers from environment variables.

Each provider is configured only when its id and secret are set; with none set, the site has
no social sign-in and the sign-in page is the password form alone. The apps live in the
settings (SOCIALACCOUNT_PROVIDERS[...]["APPS"]), never in database rows, so that the
environment is the one place an operator changes them. See README.md ("Configuration") and
deploy/README.md ("Sign-in with the company's identity").
"""

from __future__ import annotations

import environ


def social_providers(env: environ.Env) -> dict:
    """SOCIALACCOUNT_PROVIDERS for the providers whose credentials are set."""
    providers: dict = {}
    issuer = env.str("LMS_OIDC_ISSUER", default="").rstrip("/")
    client_id = env.str("LMS_OIDC_CLIENT_ID", default="")
    if issuer and client_id:
        providers["openid_connect"] = {
            # allauth's default asks for the e-mail, which we never use to create anyone.
            "OAUTH_PKCE_ENABLED": True,
            "SCOPE": env.list("LMS_OIDC_SCOPES", default=["openid", "profile", "email"]),
            "APPS": [
                {
                    "provider_id": "company",
                    # The button's label; empty means the translated "company single sign-on".
                    "name": env.str("LMS_OIDC_NAME", default=""),
                    "client_id": client_id,
                    "secret": env.str("LMS_OIDC_CLIENT_SECRET", default=""),
                    "settings": {
                        "server_url": issuer,
                        # Azure AD and others put custom claims in the ID token only.
                        "fetch_userinfo": env.bool("LMS_OIDC_USERINFO", default=True),
                    },
                }
            ],
        }
    dingtalk_id = env.str("LMS_DINGTALK_CLIENT_ID", default="")
    if dingtalk_id:
        providers["dingtalk"] = {
            "SCOPE": ["openid", "corpid"],
            "APPS": [
                {
                    "client_id": dingtalk_id,
                    "secret": env.str("LMS_DINGTALK_CLIENT_SECRET", default=""),
                }
            ],
        }
    feishu_id = env.str("LMS_FEISHU_APP_ID", default="")
    if feishu_id:
        providers["feishu"] = {
            "APPS": [
                {
                    "client_id": feishu_id,
                    "secret": env.str("LMS_FEISHU_APP_SECRET", default=""),
                }
            ],
        }
    return providers
