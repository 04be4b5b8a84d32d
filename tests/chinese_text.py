# ruff: noqa: RUF002 (full-width characters, on purpose)
"""Chinese text uses Chinese punctuation: a pure check, for the tests of the demo content.

A half-width `, . : ; ? ! ( ) "` standing next to a Chinese character or a Chinese mark is
a mistake: "客户至上,服务第一" should read "客户至上，服务第一", "(手册 3.1.2)" should
read "（手册 3.1.2）". The marks of numbers, times and English stay as they are: "3.1.2",
"14:00", "E1001", "Excel, Word". What is not prose is left out before looking: HTML
tags (so "<b>优质</b>：" is judged by "优质" and "："), the text of `<code>` and of
`backquotes`, addresses (URLs, e-mail).

Next to means directly next to, or, for all but the full stop, across spaces on the same
line ("客户 (3.1)" is as wrong as "客户(3.1)"); a full stop followed by a space after a
number is a list's numbering ("1. 先拍照留证"), which Chinese writing allows.
"""

import html
import re
from collections.abc import Iterator

# Chinese characters, Chinese and full-width marks, and the marks Chinese shares with
# English typography but uses in its own way (curly quotes, ellipsis, dash).
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”…—]")

HALF_WIDTH = ',.:;?!()"'

_CODE = re.compile(r"<code\b[^>]*>.*?</code>|`[^`\n]*`", re.S)

_TAG = re.compile(r"<[^<>]*>")

_ADDRESS = re.compile(r"\b(?:https?|ftp)://\S+|\bwww\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def is_chinese(char: str) -> bool:
    return bool(char) and _CHINESE.match(char) is not None


def prose(text: str) -> str:
    """The text as a reader sees it: without tags, code and addresses, entities decoded."""
    text = _CODE.sub(" ", text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    return _ADDRESS.sub(" ", text)


def _beside(text: str, i: int, step: int, across_spaces: bool) -> str:
    j = i + step
    while 0 <= j < len(text):
        if text[j] in " \t\u00a0" and across_spaces:
            j += step
            continue
        return text[j]
    return ""


def half_width_marks(text: str) -> list[str]:
    """Each half-width mark in `text` that stands next to Chinese, shown in its context
    ("…上门,最迟…"); empty when the text is right."""
    plain = prose(text)
    return [plain[max(0, i - 6) : i + 7].replace("\n", " ") for i in _misplaced(plain)]


def _misplaced(plain: str) -> Iterator[int]:
    for i, char in enumerate(plain):
        if char not in HALF_WIDTH:
            continue
        if char == ".":
            after_a_number = _beside(plain, i, -1, False).isdigit()
            if after_a_number and _beside(plain, i, 1, False) == " ":  # "1. 先拍照"
                continue
            across = False
        else:
            across = True
        if is_chinese(_beside(plain, i, -1, across)) or is_chinese(_beside(plain, i, 1, across)):
            yield i


def texts_in(data) -> Iterator[str]:
    """Every string in nested data (dicts' values, lists, tuples), in order."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from texts_in(value)
    elif isinstance(data, list | tuple | set | frozenset):
        for item in data:
            yield from texts_in(item)
