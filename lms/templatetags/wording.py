from django import template

from lms.platform.wording import listed as _listed

register = template.Library()


@register.filter
def listed(items) -> str:
    """`{{ names|listed }}`: the items joined as the reader's language joins them."""
    return _listed(items)
