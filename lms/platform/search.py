"""Search text for Chinese, in a form every search backend can match.

Wagtail's database backends (SQLite FTS5, PostgreSQL's `simple` text search)
split words at spaces and punctuation, so a run of Chinese characters is one
"word" and 投诉 would never match 客户投诉处理. As Lucene's CJK analyser does,
we index every run of Han characters as its single characters and its
overlapping pairs (bigrams), and turn a query into the same pairs, all of
which must match. Other text (Latin words, numbers such as 3.1.2) is kept as
it is. Pure functions: no Django, no database.
"""

import html
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


# Showing a match -------------------------------------------------------------------------------

MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"


def match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where the query's terms occur in `text` (case-insensitive), overlapping and touching
    spans joined: 客户投诉处理 and 投诉处理 give one span over 投诉处理 (its bigrams overlap)."""
    folded = text.lower()
    spans = []
    for term in query_terms(query):
        start = folded.find(term)
        while start != -1:
            spans.append((start, start + len(term)))
            start = folded.find(term, start + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, query: str) -> str:
    """`text` as HTML, escaped, with each match of `query` in <mark>: safe to show whatever
    the text or the query holds (both are escaped; only the marks are markup)."""
    out, last = [], 0
    for start, end in match_spans(text, query):
        out.append(html.escape(text[last:start]))
        out.append(MARK_OPEN + html.escape(text[start:end]) + MARK_CLOSE)
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def excerpt(text: str, query: str, width: int = 80) -> str:
    """About `width` characters of `text` around its first match of `query` (its start when
    nothing matches), with "…" where it was cut; plain text, to be highlighted."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    spans = match_spans(text, query)
    first = spans[0][0] if spans else 0
    start = max(0, min(first - width // 4, len(text) - width))
    piece = text[start : start + width]
    return ("…" if start > 0 else "") + piece + ("…" if start + width < len(text) else "")


def title_matches(title: str, query: str) -> bool:
    """Whether every term of `query` is in `title`: such results are listed first."""
    terms = query_terms(query)
    folded = title.lower()
    return bool(terms) and all(term in folded for term in terms)
