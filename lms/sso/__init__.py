"""Sign-in with the company's identity: OpenID Connect, DingTalk and Feishu, matched to staff."""
