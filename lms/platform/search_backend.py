"""Wagtail's database search backend, taught to find Chinese words.

It indexes and searches as Wagtail's own (SQLite FTS5, PostgreSQL, MySQL or
the fallback, by the database in use); a query that contains Chinese is
turned into the bigrams of `lms.platform.search` and all of them must match, so that
投诉 finds 客户投诉处理 in the site's search and in the admin's. Queries
without Chinese are left exactly as they were.
"""

from modelsearch.backends import database

from lms.platform.search import has_han, query_terms


def _chinese(query, operator):
    if isinstance(query, str) and has_han(query):
        return " ".join(query_terms(query)), "and"
    return query, operator


class ChineseQueryMixin:
    def search(self, query, model_or_queryset, fields=None, operator=None, **kwargs):
        query, operator = _chinese(query, operator)
        return super().search(query, model_or_queryset, fields=fields, operator=operator, **kwargs)

    def autocomplete(self, query, model_or_queryset, fields=None, operator=None, **kwargs):
        # The admin's page search is an autocomplete search.
        query, operator = _chinese(query, operator)
        return super().autocomplete(
            query, model_or_queryset, fields=fields, operator=operator, **kwargs
        )


def SearchBackend(params):  # Wagtail looks the backend up by this name
    backend = database.SearchBackend(params)
    cls = type(f"Chinese{type(backend).__name__}", (ChineseQueryMixin, type(backend)), {})
    return cls(params)
