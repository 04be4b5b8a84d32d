from django import template

from assessments.questions.formatting import to_html

register = template.Library()


@register.filter
def formatted(text: str, text_format: str):
    """`{{ question.text|formatted:question.text_format }}`: safe HTML, as the format says."""
    return to_html(text, text_format)
