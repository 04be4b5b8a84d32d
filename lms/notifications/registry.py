"""The kinds of event people are told about: each app registers its own (in its AppConfig.ready),
so that lms never imports them."""

from __future__ import annotations

from dataclasses import dataclass

# The channels, in the order pages show them. The inbox is always on.
INBOX, EMAIL, DINGTALK, WECOM = "inbox", "email", "dingtalk", "wecom"
CHANNELS = (INBOX, EMAIL, DINGTALK, WECOM)


@dataclass(frozen=True)
class Kind:
    name: str  # stored on each notification, e.g. "sessions.cancelled"
    label: str  # translatable (a lazy string), shown on the preferences page
    channels: tuple[str, ...] = (INBOX, EMAIL)  # on by default, within what is enabled
    audience: str = ""  # who receives it, for the preferences page and the docs
    urgent: bool = False  # urgent kinds are not held back by the quiet hours
    # A group robot posts in a group chat, which others read: for a private kind it says only
    # that a message is in the person's inbox (and links to the thing), not what it says.
    private: bool = False
    # The roles whose people receive it (a Role's value each); () for everyone. Only those
    # are offered its choices.
    roles: tuple[str, ...] = ()


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"notification kind {name!r} is not registered") from None


def find(name: str) -> Kind | None:
    return _KINDS.get(name)


def kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.name)


def kinds_for(roles) -> list[Kind]:
    """The kinds a person holding `roles` may receive: the preferences they are offered."""
    held = {str(role) for role in roles}
    return [kind for kind in kinds() if not kind.roles or held.intersection(kind.roles)]
