"""Wagtail's database search backend, taught to find Chinese words and to read any input.

It indexes and searches as Wagtail's own (SQLite FTS5, PostgreSQL, MySQL or
the fallback, by the database in use). A query is reduced to its words as the
index holds them (`lms.platform.search.query_terms`): a query that contains
Chinese becomes the bigrams of its Chinese runs, all of which must match, so that
投诉 finds 客户投诉处理 in the site's search and in the admin's; quotes, brackets,
operators and other punctuation are dropped, so that no input (`"`, `NEAR(`, `*`)
reaches the database's own query syntax. A query with no word left finds nothing.
"""

from modelsearch.backends import database
from modelsearch.query import And, Not, Or, Phrase, PlainText

from lms.platform.search import has_han, query_terms


def _words(text: str) -> str:
    return " ".join(query_terms(text))


def _clean(query, operator):
    """The query with only words left, and the operator to search it with; "" for none."""
    if isinstance(query, str):
        return _words(query), ("and" if has_han(query) else operator)
    if isinstance(query, PlainText):
        words = _words(query.query_string)
        if not words:
            return "", operator
        op = "and" if has_han(query.query_string) else query.operator
        return PlainText(words, operator=op, boost=query.boost), operator
    if isinstance(query, Phrase):
        words = _words(query.query_string)
        return (Phrase(words) if words else ""), operator
    if isinstance(query, (And, Or)):
        parts = [part for part, _ in (_clean(sub, operator) for sub in query.subqueries) if part]
        if not parts:
            return "", operator
        return (parts[0] if len(parts) == 1 else type(query)(parts)), operator
    if isinstance(query, Not):
        inner, _ = _clean(query.subquery, operator)
        return (Not(inner) if inner else ""), operator
    return query, operator


class ChineseQueryMixin:
    def search(self, query, model_or_queryset, fields=None, operator=None, **kwargs):
        query, operator = _clean(query, operator)
        return super().search(query, model_or_queryset, fields=fields, operator=operator, **kwargs)

    def autocomplete(self, query, model_or_queryset, fields=None, operator=None, **kwargs):
        # The admin's page search is an autocomplete search.
        query, operator = _clean(query, operator)
        return super().autocomplete(
            query, model_or_queryset, fields=fields, operator=operator, **kwargs
        )


def SearchBackend(params):  # Wagtail looks the backend up by this name
    backend = database.SearchBackend(params)
    cls = type(f"Chinese{type(backend).__name__}", (ChineseQueryMixin, type(backend)), {})
    return cls(params)
