"""How the API reads a body: JSON, whose text must be characters a file could hold."""

from __future__ import annotations

import json
import re

from ninja.parser import Parser

# A \uD800 to \uDFFF escape: half of a pair (an emoji's, fine), or a lone one (no character).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class JsonBody(Parser):
    """The body as JSON. Refused (400, django-ninja's "can't parse", which the API answers
    with `urls._bad_body`): anything not JSON, and text holding a lone surrogate
    ("\\ud800"), which Python's JSON reader lets through although it is no character: the
    rows' CSV file could not be written (a 500) and no file could hold it."""

    def parse_body(self, request):
        data = json.loads(request.body)
        if _SURROGATE_ESCAPE.search(request.body):
            _check_text(data)
        return data


def _check_text(value) -> None:
    """UnicodeEncodeError for a string (a key or a value) that UTF-8 can't hold."""
    if isinstance(value, str):
        value.encode()
    elif isinstance(value, dict):
        for key, item in value.items():
            key.encode()
            _check_text(item)
    elif isinstance(value, list):
        for item in value:
            _check_text(item)
