"""The training pages in Wagtail: tree rules, every block, revisions, scheduling, search."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image

from courses.learning import selectors, services
from courses.models import CourseIndexPage, CoursePage, LessonPage, TrainingHomePage
from lms.models import HomePage
from tests import factories

pytestmark = pytest.mark.django_db


def make_image(title="插图"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), "#0b5cab").save(buffer, "PNG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name="figure.png"))


def every_block_body():
    image = make_image()
    document = Document.objects.create(
        title="服务时效速查表", file=ContentFile("收寄 2 小时\n派送 24 小时\n".encode(), "sla.txt")
    )
    return [
        ("heading", "服务时效"),
        ("text", "<p>快件到达后<b>24小时</b>内完成派送。</p>"),
        ("image", {"image": image, "alt_text": "派送路线图", "caption": "浦东站派送路线"}),
        (
            "video",
            {
                "url": "https://media.example.com/training/call.mp4",
                "poster": image,
                "caption": "投诉电话示范",
                "transcript": "您好,这里是迅捷快递客服。",
            },
        ),
        ("document", {"document": document, "title": "", "description": "打印贴在工位"}),
        ("key_rule", {"clause": "3.1.4", "rule": "客服人员应在5分钟内给予回复。", "note": ""}),
        ("checklist", {"title": "上门收寄前", "items": ["核实身份", "称重", "封装"]}),
        (
            "knowledge_check",
            {
                "question": "查询服务时效是多少?",
                "choices": [
                    {"text": "5分钟", "correct": True, "feedback": "对,见3.1.4。"},
                    {"text": "2小时", "correct": False, "feedback": "这是收寄时效。"},
                ],
                "explanation": "<p>手册3.1.4。</p>",
            },
        ),
    ]


class TestTreeRules:
    def test_each_page_type_only_sits_where_it_belongs(self):
        assert TrainingHomePage.allowed_parent_page_models() == [HomePage]
        assert CourseIndexPage.allowed_parent_page_models() == [TrainingHomePage]
        assert CoursePage.allowed_parent_page_models() == [CourseIndexPage]
        assert LessonPage.allowed_parent_page_models() == [CoursePage]
        assert LessonPage.allowed_subpage_models() == []

    def test_a_lesson_cannot_be_created_outside_a_course(self, index):
        assert not LessonPage.can_create_at(index)
        assert not CoursePage.can_create_at(HomePage.objects.first())


class TestLessonPage:
    def test_every_block_type_renders_for_a_learner(self, people, index, login):
        _c, (lesson,) = factories.course(index, "业务流程", lessons=1, body=every_block_body())
        html = login(people["learner"]).get(lesson.url).content.decode()
        assert '<h2 class="lesson-heading">服务时效</h2>' in html
        assert 'alt="派送路线图"' in html and "浦东站派送路线" in html
        assert '<source src="https://media.example.com/training/call.mp4">' in html
        assert "您好,这里是迅捷快递客服。" in html  # the transcript
        assert "服务时效速查表" in html and "/documents/" in html
        assert "3.1.4" in html and "客服人员应在5分钟内给予回复。" in html
        assert "核实身份" in html
        assert "查询服务时效是多少?" in html and "data-knowledge-check" in html
        assert "I have finished this lesson" in html or "我已学完本课" in html

    def test_the_finished_form_posts_to_the_lesson_s_own_address(self, people, index, login):
        _c, lessons = factories.course(index, "业务流程", lessons=2)
        client = login(people["learner"])
        for lesson in lessons:
            action = reverse("learning:lesson_complete", args=[lesson.pk])
            assert f'action="{action}"' in client.get(lesson.url).content.decode()
        client.post(reverse("learning:lesson_complete", args=[lessons[1].pk]))
        assert lessons[1].completions.filter(user=people["learner"].user).exists()

    def test_the_knowledge_check_is_not_graded(self, people, index, login):
        _c, (lesson,) = factories.course(index, "业务流程", lessons=1, body=every_block_body())
        client = login(people["learner"])
        client.get(lesson.url)
        assert not lesson.completions.exists()  # reading, or answering the check, records nothing

    def test_a_video_needs_a_playable_file_or_address(self):
        from django.core.exceptions import ValidationError

        from courses.blocks import VideoBlock

        block = VideoBlock()
        with pytest.raises(ValidationError):
            block.clean(block.to_python({"url": "https://example.com/clip.avi"}))
        with pytest.raises(ValidationError):
            block.clean(block.to_python({}))
        assert block.clean(block.to_python({"url": "https://example.com/clip.mp4"}))

    def test_a_knowledge_check_needs_a_correct_answer(self):
        from django.core.exceptions import ValidationError

        from courses.blocks import KnowledgeCheckBlock

        block = KnowledgeCheckBlock()
        value = block.to_python(
            {"question": "?", "choices": [{"text": "a", "correct": False}, {"text": "b"}]}
        )
        with pytest.raises(ValidationError):
            block.clean(value)


class TestRevisions:
    def test_editing_a_published_course_keeps_recorded_progress(self, people, course, login):
        learner = people["learner"].user
        first = course.lessons[0]
        done = services.lesson_complete(user=learner, lesson=first)

        # An editor changes the lesson and the course, saves a draft, then publishes.
        first.title = "客户服务知识 第1课(修订)"
        first.body = [("text", "<p>新的内容</p>")]
        first.save_revision()
        assert LessonPage.objects.get(pk=first.pk).title != first.title  # draft: not live yet
        first.save_revision().publish()
        course.summary = "新的简介"
        course.save_revision().publish()

        progress = selectors.course_progress_for(learner, CoursePage.objects.get(pk=course.pk))
        assert progress.status.lessons_done == 1
        assert progress.lessons[0] == (LessonPage.objects.get(pk=first.pk), True)
        assert first.completions.get().completed_at == done.completed_at
        assert first.revisions.count() == 2  # the draft and the published edit

    def test_a_draft_is_previewed_by_editors_without_recording_anything(
        self, people, course, login, no_mfa_enforcement
    ):
        lesson = course.lessons[0]
        lesson.title = "草稿标题"
        revision = lesson.save_revision()
        client = login(people["admin"])
        response = client.get(f"/cms/pages/{lesson.pk}/revisions/{revision.pk}/view/")
        assert response.status_code == 200
        assert "草稿标题" in response.content.decode()
        assert not lesson.completions.exists()
        assert client.get(lesson.url).content.decode().count("草稿标题") == 0

    @pytest.mark.parametrize("kind", ["lesson", "course"])
    def test_a_new_page_is_previewed_before_it_is_first_saved(self, course, people, kind):
        from django.contrib.sessions.backends.db import SessionStore
        from django.test import RequestFactory
        from wagtail.models import Page

        if kind == "lesson":
            parent = course
            page = LessonPage(title="新课预览", slug="new", body=[("text", "<p>预览内容</p>")])
        else:
            parent = CourseIndexPage.objects.get()
            page = CoursePage(title="新课预览", slug="new", module="culture", summary="预览内容")
        # What Wagtail's "preview on create" does with a page that is not in the tree yet.
        page.depth = parent.depth + 1
        page.path = Page._get_children_path_interval(parent.path)[1]
        request = RequestFactory().get("/")
        request.user, request.session = people["trainer"].user, SessionStore()
        response = page.make_preview_request(request)
        assert response.status_code == 200
        assert "预览内容" in response.content.decode()

    def test_scheduled_publishing_makes_a_lesson_live_at_its_time(self, course):
        lesson = LessonPage(title="定时发布的课", slug="scheduled", body=[("text", "<p>x</p>")])
        course.add_child(instance=lesson)
        lesson.unpublish()
        go_live = timezone.now() + datetime.timedelta(hours=1)
        lesson.go_live_at = go_live
        lesson.save_revision().publish()  # with a future go_live_at, this schedules
        assert not LessonPage.objects.get(pk=lesson.pk).live
        assert lesson.pk not in services.live_lesson_ids(course)

        call_command("publish_scheduled", verbosity=0)
        assert not LessonPage.objects.get(pk=lesson.pk).live
        with pytest.MonkeyPatch.context() as mp:
            later = go_live + datetime.timedelta(minutes=1)
            mp.setattr(timezone, "now", lambda: later)
            call_command("publish_scheduled", verbosity=0)
        assert LessonPage.objects.get(pk=lesson.pk).live
        assert lesson.pk in services.live_lesson_ids(course)


class TestSearch:
    def test_chinese_words_find_the_lessons_that_contain_them(self, index, client):
        factories.course(index, "客户服务知识", lessons=2)  # bodies mention 投诉 and 时效
        _c, (fire,) = factories.course(
            index, "应急处理", lessons=1, body=[("text", "<p>发生火灾时立即报警并疏散。</p>")]
        )
        assert len(selectors.search_lessons("投诉")) == 2
        assert len(selectors.search_lessons("时效")) == 2
        assert [p.pk for p in selectors.search_lessons("火灾")] == [fire.pk]
        assert [p.pk for p in selectors.search_lessons("立即报警")] == [fire.pk]
        assert selectors.search_lessons("报警投诉") == []  # every term must match
        response = client.get("/learning/search/", {"q": "投诉"})
        assert response.status_code == 200
        assert "客户服务知识 第1课" in response.content.decode()

    def test_title_matches_come_first_each_names_its_course_and_marks_the_match(
        self, index, client, django_assert_max_num_queries
    ):
        factories.course(index, "客户服务知识", lessons=2)  # 投诉 in the bodies only
        _c, (titled,) = factories.course(
            index, "投诉处理", lessons=1, body=[("text", "<p>先道歉,再记录。</p>")]
        )
        found = selectors.search_lessons("投诉")
        # the course and the lesson named 投诉处理 first, then the lessons that only say it
        assert {p.title for p in found[:2]} == {"投诉处理", "投诉处理 第1课"}
        assert len(found) == 4
        lesson = next(p for p in found if p.pk == titled.pk)
        assert lesson.search_course.title == "投诉处理"
        assert str(lesson.search_title) == "<mark>投诉</mark>处理 第1课"
        body_only = found[-1]
        assert body_only.search_course.title == "客户服务知识"
        assert "客户<mark>投诉</mark>须在24小时内回复" in str(body_only.search_excerpt)
        with django_assert_max_num_queries(12):
            html = client.get("/learning/search/", {"q": "投诉"}).content.decode()
        assert "<mark>投诉</mark>处理 第1课" in html
        assert "课程“客户服务知识”" in html  # a lesson names its course

    def test_the_query_and_the_content_are_escaped_around_the_marks(self, index, client):
        factories.course(
            index,
            "<b>火灾</b>预案",
            lessons=1,
            body=[("text", "<p>&lt;script&gt;alert(1)&lt;/script&gt; 火灾时报警</p>")],
        )
        html = client.get("/learning/search/", {"q": "火灾<script>"}).content.decode()
        assert "<script>alert" not in html and "<b>" not in html
        assert "&lt;b&gt;<mark>火灾</mark>&lt;/b&gt;预案" in html
        marked = (
            "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; <mark>火灾</mark>"
        )
        assert marked in html

    def test_the_admin_search_finds_chinese_words_too(self, index, people, login):
        _c, (lesson,) = factories.course(
            index, "应急处理", lessons=1, body=[("text", "<p>客户投诉必须在24小时内回复。</p>")]
        )
        html = login(people["trainer"]).get("/cms/pages/search/", {"q": "投诉 回复"}).content
        assert lesson.title in html.decode()

    def test_a_page_kept_for_a_group_is_found_only_by_its_members(
        self, index, people, login, client
    ):
        from django.contrib.auth.models import Group
        from wagtail.models import PageViewRestriction

        open_course, _lessons = factories.course(index, "客户服务知识", lessons=1)
        kept, (kept_lesson,) = factories.course(
            index, "应急处理", lessons=1, body=[("text", "<p>客户投诉的内部处理口径</p>")]
        )
        restriction = PageViewRestriction.objects.create(
            page=kept, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.add(Group.objects.get(name="Trainer"))
        PageViewRestriction.objects.create(page=open_course, restriction_type="login")
        assert selectors.search_lessons("投诉") == []  # anonymous: neither
        learner = people["learner"].user
        assert kept_lesson.pk not in [p.pk for p in selectors.search_lessons("投诉", user=learner)]
        assert len(selectors.search_lessons("投诉", user=learner)) == 1
        trainer = people["trainer"].user
        assert kept_lesson.pk in [p.pk for p in selectors.search_lessons("投诉", user=trainer)]
        page = login(people["learner"]).get("/learning/search/", {"q": "投诉"}).content.decode()
        assert kept_lesson.title not in page

    def test_drafts_are_not_found(self, index):
        _course, (lesson,) = factories.course(index, "应急处理", lessons=1)
        lesson.body = [("text", "<p>暴雨天气的派送安排</p>")]
        lesson.save_revision()  # a draft, not published
        assert selectors.search_lessons("暴雨") == []
