"""Avatars drawn from a person's initials, as an SVG data URL: no request leaves for Gravatar
(unreachable in mainland China). Pure: a name in, a URL out."""

from __future__ import annotations

import hashlib
import unicodedata
from urllib.parse import quote
from xml.sax.saxutils import escape

# Background colours with white text at a contrast of at least 4.5:1.
COLOURS = ("#1d4ed8", "#0f766e", "#7c3aed", "#b45309", "#be123c", "#4d7c0f", "#0e7490")


def _is_cjk(char: str) -> bool:
    return unicodedata.name(char, "").startswith(("CJK UNIFIED", "CJK COMPATIBILITY"))


def initials(name: str) -> str:
    """张伟明 → 伟明 (the given name, as colleagues say it), Li Ming → LM, an empty name → ?."""
    name = " ".join(name.split())
    if not name:
        return "?"
    chars = [c for c in name if not c.isspace()]
    if any(_is_cjk(c) for c in chars):
        cjk = [c for c in chars if _is_cjk(c)]
        return "".join(cjk[-2:]) if len(cjk) > 2 else "".join(cjk)
    words = [w for w in name.replace("-", " ").split() if w[0].isalnum()]
    if not words:
        return "?"
    letters = words[0][:2] if len(words) == 1 else words[0][0] + words[-1][0]
    return letters.upper()[:2]  # "ß".upper() is "SS"


def avatar_data_url(name: str, key: str, size: int = 50) -> str:
    """A round avatar with the initials of `name`, its colour fixed by `key` (the username)."""
    text = escape(initials(name))
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    colour = COLOURS[digest[0] % len(COLOURS)]
    font = 40 if len(text) == 1 else 34
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 100 100"><circle cx="50" cy="50" r="50" fill="{colour}"/>'
        f'<text x="50" y="50" dy=".35em" text-anchor="middle" fill="#fff" '
        f'font-family="sans-serif" font-size="{font}">{text}</text></svg>'
    )
    return "data:image/svg+xml;charset=utf-8," + quote(svg, safe="")
