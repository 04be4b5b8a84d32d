from django.template import Context, Template
from django.utils import translation

from lms.platform.wording import listed


def test_a_list_is_joined_as_the_readers_language_joins_it():
    with translation.override("en"):
        assert listed(["HR", "Learner"]) == "HR, Learner"
    with translation.override("zh-hans"):
        assert listed(["人力资源", "学员"]) == "人力资源、学员"
        assert listed([]) == ""


def test_the_template_filter_escapes_the_items():
    template = Template("{% load wording %}{{ names|listed }}")
    with translation.override("en"):
        assert template.render(Context({"names": ["<b>", "a&b"]})) == "&lt;b&gt;, a&amp;b"
