"""Question texts reach the learner's screen as their format says, and never as a script."""

import random
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.models import QuizPage, QuizSlot
from assessments.questions import services
from assessments.questions.data import TextFormat
from assessments.questions.formatting import to_html
from assessments.quizzes import services as attempts

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=//evil></iframe>",
    '<p style="position:fixed">x</p>',
]


class Elements(HTMLParser):
    """The tags and attributes a browser would build from some HTML."""

    def __init__(self, html):
        super().__init__()
        self.tags, self.attributes = set(), set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.update((name, value or "") for name, value in attrs)


@pytest.mark.parametrize("text_format", list(TextFormat))
@pytest.mark.parametrize("attack", ATTACKS)
def test_no_format_lets_a_script_through(text_format, attack):
    found = Elements(to_html(f"题目 {attack}", text_format))
    assert not found.tags & {"script", "iframe"}
    for name, value in found.attributes:
        assert not name.startswith("on") and name != "style"
        assert not value.lower().startswith("javascript:")


def test_each_format_renders_as_moodle_does():
    assert to_html("<b>2小时</b>\n内", TextFormat.MOODLE) == "<b>2小时</b><br>内"
    assert to_html("<b>2小时</b>", TextFormat.HTML) == "<b>2小时</b>"
    assert to_html("**2小时**", TextFormat.MARKDOWN) == "<p><strong>2小时</strong></p>"
    assert to_html("<b>2小时</b>\n内", TextFormat.PLAIN) == "&lt;b&gt;2小时&lt;/b&gt;<br>内"


@given(st.text(max_size=200))
def test_plain_text_is_shown_exactly_as_written(text):
    from html import unescape

    assert unescape(str(to_html(text, TextFormat.PLAIN)).replace("<br>", "\n")) == text


@pytest.mark.django_db
def test_an_html_question_from_a_gift_file_shows_formatted_to_the_learner(course, people, login):
    gift = (
        "::时效::[html]查询应在<b>5分钟</b>内回复<script>alert(1)</script>"
        "{=<i>对</i> ~错}\n\n"
        "::格式::[markdown]异常需 **2小时** 内联系{T}\n"
    ).encode()
    made = services.questions_import_file("q.gift", gift, default_category="客户服务知识")
    quiz = QuizPage(title="格式测验", slug="fmt", shuffle_choices=False)
    course.add_child(instance=quiz)
    for n, question in enumerate(made):
        QuizSlot.objects.create(quiz=quiz, question=question, sort_order=n)
    attempt = attempts.attempt_start(quiz=quiz, user=people["learner"].user, rng=random.Random(1))
    html = login(people["learner"]).get(f"/learning/attempts/{attempt.pk}/").content.decode()
    assert "<b>5分钟</b>" in html and "<i>对</i>" in html and "<strong>2小时</strong>" in html
    assert "alert(1)" not in html
