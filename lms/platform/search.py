"""Search text for Chinese, in a form every search backend can match.

Wagtail's database backends (SQLite FTS5, PostgreSQL's `simple` text search)
split words at spaces and punctuation, so a run of Chinese characters is one
"word" and 投诉 would never match 客户投诉处理. As Lucene's CJK analyser does,
we index every run of Han characters as its single characters and its
overlapping pairs (bigrams), and turn a query into the same pairs, all of
which must match. Other text (Latin words, numbers such as 3.1.2) is kept as
it is. Pure functions: no Django, no database.
"""

import re

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"


_TOKEN = re.compile(rf"[{_HAN}]+|[^\W{_HAN}]+")


_HAN_RUN = re.compile(rf"^[{_HAN}]+$")


def _han_grams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_text(text: str) -> str:
    """The words of `text`, with Chinese runs as their characters and bigrams."""
    words: list[str] = []
    for token in _TOKEN.findall(text):
        if _HAN_RUN.match(token):
            words.extend(token)
            if len(token) > 1:
                words.extend(_han_grams(token))
        else:
            words.append(token.lower())
    return " ".join(words)


def query_terms(query: str) -> list[str]:
    """The terms a query must all match: bigrams for Chinese, words otherwise."""
    terms: list[str] = []
    for token in _TOKEN.findall(query):
        grams = _han_grams(token) if _HAN_RUN.match(token) else [token.lower()]
        for gram in grams:
            if gram not in terms:
                terms.append(gram)
    return terms


def has_han(text: str) -> bool:
    return any(_HAN_RUN.match(token) for token in _TOKEN.findall(text))
