"""The path converter for database ids: `<id:session_id>` in every URL pattern of ours.

Django's `int` converter takes any run of digits, and a number larger than the database's
largest integer then fails inside the query (a 500 on PostgreSQL, an overflow on SQLite).
An id is a positive 64-bit integer (BigAutoField); anything else cannot name a row, so the
pattern does not match and the answer is 404, before any view or query runs.
"""

from django.urls import register_converter

ID_MAX = 2**63 - 1


class IdConverter:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > ID_MAX:
            # A ValueError here means "this pattern does not match" to Django's resolver.
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))


def register() -> None:
    """Called once, by LmsConfig.ready, before any URLconf is read."""
    register_converter(IdConverter, "id")
