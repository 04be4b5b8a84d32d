"""A question's texts as HTML, the way their format says (GIFT's `[format]`).

- plain: the text as written, line breaks kept, nothing taken as markup;
- moodle (GIFT's default): HTML may appear, and line breaks are kept, as Moodle does;
- html: HTML;
- markdown: Markdown.

Whatever the format, the HTML is cleaned (nh3): no scripts, no event handlers, no
styles; links get `rel="noopener noreferrer"`. A question imported from another
system's file must not run in a learner's browser.
"""

import markdown as markdown_lib
import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from assessments.questions.data import TextFormat

TAGS = {
    "a", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip


ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "*": {"lang"}}


def to_html(text: str, text_format: str = TextFormat.PLAIN) -> SafeString:
    if not text:
        return mark_safe("")
    if text_format == TextFormat.PLAIN:
        return mark_safe(escape(text).replace("\n", "<br>"))
    if text_format == TextFormat.MARKDOWN:
        html = markdown_lib.markdown(text)
    elif text_format == TextFormat.MOODLE:
        html = text.replace("\n", "<br>")
    else:
        html = text
    return mark_safe(nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES))
