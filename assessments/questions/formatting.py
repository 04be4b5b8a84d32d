"""A question's texts as HTML, the way their format says (GIFT's `[format]`).

- plain: the text as written, line breaks kept, nothing taken as markup;
- moodle (GIFT's default): HTML may appear, and line breaks are kept, as Moodle does;
- html: HTML;
- markdown: Markdown.

Whatever the format, the HTML is cleaned (nh3): no scripts, no event handlers, no
styles; links get `rel="noopener noreferrer"`. A question imported from another
system's file must not run in a learner's browser.
"""

import dataclasses

import markdown as markdown_lib
import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from assessments.questions.data import Question, QuestionType, TextFormat

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
        return mark_safe(html_source(text, text_format))
    return mark_safe(nh3.clean(html_source(text, text_format), tags=TAGS, attributes=ATTRIBUTES))


def html_source(text: str, text_format: str) -> str:
    """The HTML a text of this format stands for, not cleaned yet."""
    if text_format == TextFormat.PLAIN:
        return escape(text).replace("\n", "<br>")
    if text_format == TextFormat.MARKDOWN:
        return markdown_lib.markdown(text)
    if text_format == TextFormat.MOODLE:
        return text.replace("\n", "<br>")
    return text


class FormattedText(str):
    """A text read with a format of its own: in GIFT, `[html]` before an answer or a
    feedback; in Moodle XML, the `format` of an answer or feedback element."""

    text_format: TextFormat

    def __new__(cls, text: str, text_format: TextFormat):
        formatted = super().__new__(cls, text)
        formatted.text_format = text_format
        return formatted


def in_one_format(question: Question) -> Question:
    """The question with all its texts in its one format.

    Moodle gives each answer and feedback a format, the question's unless the file
    says another; here a question has one format for all its texts. When a file
    mixes them, every shown text of the question becomes HTML, which then shows just
    as Moodle shows it. The texts that are compared, not shown (a short answer's
    accepted answers, a matching question's answers), are plain in Moodle: kept so.
    """
    own = question.text_format

    def fmt(text: str) -> TextFormat:
        return getattr(text, "text_format", own)

    shown_choices = question.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE)
    shown = [question.text, question.general_feedback, question.true_feedback]
    shown += [question.false_feedback, *(n.feedback for n in question.numbers)]
    shown += [c.feedback for c in question.choices] + [p.prompt for p in question.pairs]
    if shown_choices:
        shown += [c.text for c in question.choices]
    mixed = any(text and fmt(text) != own for text in shown)
    target = TextFormat.HTML if mixed else own

    def show(text: str) -> str:
        return html_source(text, fmt(text)) if mixed and text else str(text)

    return dataclasses.replace(
        question,
        text=show(question.text),
        text_format=target,
        general_feedback=show(question.general_feedback),
        true_feedback=show(question.true_feedback),
        false_feedback=show(question.false_feedback),
        choices=tuple(
            dataclasses.replace(
                c, text=show(c.text) if shown_choices else str(c.text), feedback=show(c.feedback)
            )
            for c in question.choices
        ),
        numbers=tuple(dataclasses.replace(n, feedback=show(n.feedback)) for n in question.numbers),
        pairs=tuple(
            dataclasses.replace(p, prompt=show(p.prompt), answer=str(p.answer))
            for p in question.pairs
        ),
    )
