"""Words put together the way the reader's language does it."""

from django.utils.translation import pgettext


def listed(items) -> str:
    """The items as a list in a sentence: "a, b, c" in English, "a、b、c" in Chinese."""
    return pgettext("list separator", ", ").join(str(item) for item in items)
