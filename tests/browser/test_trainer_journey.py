"""A drill from the page to the score, in Chromium: a trainer writes a drill in the Wagtail
admin and submits it for review, a lead trainer approves it, the trainer schedules a session,
checks the learners in (one scans the room's code on a phone, one is ticked on the list)
and scores them on a tablet; the learner reads the score."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import (
    Attendance,
    DrillEvaluation,
    DrillIndexPage,
    DrillPage,
    SignUp,
    TrainingHomePage,
    TrainingSession,
)
from courses.sessions import services
from lms.roles import Role
from tests import factories
from tests.browser.conftest import PHONE, csp_refusals, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DESK = {"width": 1280, "height": 900}
TABLET = {"width": 800, "height": 1280}
PRESENT = "{}\uff1a出席"  # the attendance list's button "<name>: present" (full-width colon)
# (criterion, weight, [(level, what the trainer sees, points)])
RUBRIC = [
    ("安抚情绪", "3", [("优秀", "先致歉并复述客户的问题", "4"), ("不合格", "与客户争执", "0")]),
    ("记录完整", "1", [("完整", "工单各项齐全", "2"), ("未记录", "没有登记工单", "0")]),
]


@pytest.fixture
def drill_index(people):
    """The training site's drill index (its drills go through the review workflow)."""
    factories.training_site()
    page = DrillIndexPage(title="实战演练", slug="drills")
    TrainingHomePage.objects.get().add_child(instance=page)
    return page


@pytest.fixture
def lead(org):
    return factories.staff(
        org["east"], roles=[Role.LEARNER, Role.TRAINER, Role.LEAD_TRAINER],
        position="trainer", name="主培训师", number="LT01",
    )  # fmt: skip


def new_context(browser, live_server, viewport, refused):
    context = browser.new_context(viewport=viewport, locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(15_000)
    csp_refusals(context, refused)
    return context


def write_criterion(page, n: int, name: str, weight: str, levels) -> None:
    """Add the rubric's criterion `n` (0-based) in Wagtail's StreamField, with its levels."""
    rubric = page.locator("#rubric-root")
    # The last "insert a block" button of the rubric adds a criterion at its end (the
    # rubric has one block type, so no menu opens).
    rubric.locator(".c-sf-add-button:not([data-streamfield-list-add])").last.click()
    prefix = f"#rubric-{n}-value"
    page.locator(f"{prefix}-name").fill(name)
    page.locator(f"{prefix}-weight").fill(weight)
    for m, (label, descriptor, points) in enumerate(levels):
        if m:  # a new criterion comes with one level; the rubric's last "新增" adds one more
            rubric.locator("[data-streamfield-list-add]").last.click()
        page.locator(f"{prefix}-levels-{m}-value-label").fill(label)
        page.locator(f"{prefix}-levels-{m}-value-descriptor").fill(descriptor)
        page.locator(f"{prefix}-levels-{m}-value-points").fill(points)


def session_times() -> tuple[datetime.datetime, datetime.datetime]:
    """A session starting in a few minutes (so that check-in is open), on one local day."""
    now = timezone.localtime()
    start = (now + datetime.timedelta(minutes=10)).replace(second=0, microsecond=0)
    end = start + datetime.timedelta(minutes=45)
    if end.date() != start.date():
        if start.hour == 23 and start.minute >= 50:
            start = (start + datetime.timedelta(days=1)).replace(hour=0, minute=1)
            end = start + datetime.timedelta(minutes=45)
        else:
            end = start.replace(hour=23, minute=59)
    return start, end


def test_a_drill_from_writing_to_scores(
    browser, live_server, settings, people, lead, drill_index, csp_refused
):
    settings.LMS_ENFORCE_MFA = False
    # Wagtail 8 autosaves the editor in the background every 500 ms; off here, so that the
    # drill is saved and submitted by the trainer's own clicks only (one early run lost the
    # submission, and an autosave racing it was suspected).
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    # The content types cached by an earlier test of the session (the cache is the process's,
    # shared with the live server) may not be this database's: one run's cache said id 1
    # was lms.homepage where the restored database has wagtailcore.page, and the review
    # workflow found no page to review (`content_object` None). Read them afresh.
    ContentType.objects.clear_cache()

    # 1. The trainer writes the drill in the Wagtail admin and submits it for review.
    trainer_context = new_context(browser, live_server, DESK, csp_refused)
    page = trainer_context.new_page()
    sign_in(page, "TR01", factories.PASSWORD)
    page.goto(f"/cms/pages/{drill_index.pk}/")
    page.get_by_role("link", name="添加子页面").first.click()
    page.wait_for_url("**/cms/pages/add/courses/drillpage/**")  # the only page type allowed
    page.locator("#id_title").fill("客户投诉电话演练")
    page.get_by_label("模块").select_option(label="客户服务知识")
    page.get_by_label("快递员").check()
    page.locator("#id_scenario").locator("xpath=..").locator("[contenteditable=true]").click()
    page.keyboard.type("客户来电投诉包裹延误,情绪激动。")
    page.locator("#id_objectives").fill("安抚客户情绪\n24小时内给出处理结果")
    page.locator("#id_steps").fill("接听并自报工号\n倾听并记录\n给出处理方案")
    for n, (name, weight, levels) in enumerate(RUBRIC):
        write_criterion(page, n, name, weight, levels)
    # NOTE (bug, reported): the footer's menu also offers the trainer "发布" (publish) on this
    # create form; clicking it leaves the new drill live without review, rubric version or
    # published revision (courses/drills/permissions.py narrows publishing on DrillPage only, not
    # `can_publish_subpage` of the DrillIndexPage). The trainer here submits for review.
    with page.expect_navigation():
        page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url("**/cms/pages/*/edit/")
    drill = DrillPage.objects.get()
    assert not drill.live and drill.get_latest_revision() is not None
    page.locator("footer [data-w-dropdown-target=toggle]").last.click()
    with page.expect_navigation():
        page.get_by_role("button", name="提交给演练审核").click()
    page.wait_for_url(f"**/cms/pages/{drill_index.pk}/")  # back to the drill index
    expect(page.locator("tr", has_text="客户投诉电话演练")).to_contain_text("审核中")
    drill = DrillPage.objects.get()
    assert not drill.live and drill.current_workflow_state is not None

    # 2. The lead trainer approves it from the dashboard: it is published, rubric version 1.
    lead_context = new_context(browser, live_server, DESK, csp_refused)
    lead_page = lead_context.new_page()
    sign_in(lead_page, "LT01", factories.PASSWORD)
    lead_page.goto("/cms/")
    review = lead_page.locator(
        "section", has=lead_page.get_by_role("heading", name="等待你的审查")
    )
    row = review.locator("tr", has_text="客户投诉电话演练")
    expect(row).to_be_visible()
    row.get_by_role("button", name="操作").click()
    with lead_page.expect_navigation():
        row.get_by_role("button", name="批准", exact=True).click()
    expect(lead_page.get_by_role("heading", name="等待你的审查")).to_have_count(0)
    lead_context.close()
    drill.refresh_from_db()
    assert drill.live and [v.number for v in drill.rubric_versions.all()] == [1]

    # 3. The trainer schedules a session of it, starting in a few minutes.
    page.set_viewport_size(TABLET)
    page.goto("/")
    page.get_by_role("link", name="主持场次").first.click()
    page.get_by_role("link", name="安排场次").click()
    start, end = session_times()
    page.get_by_label("类型").select_option(label="实战演练")
    page.get_by_label("标题").fill("投诉处理演练 第一场")
    page.get_by_label("演练", exact=True).select_option(label="客户投诉电话演练")
    page.get_by_label("日期").fill(start.date().isoformat())
    page.get_by_label("开始时间").fill(start.strftime("%H:%M"))
    page.get_by_label("结束时间").fill(end.strftime("%H:%M"))
    page.get_by_label("地点").fill("浦东站二楼培训室")
    page.get_by_label("名额").fill("8")
    with page.expect_navigation():
        page.get_by_role("button", name="安排", exact=True).click()
    session = TrainingSession.objects.get()
    assert session.kind == "drill" and session.rubric_version.number == 1

    # Two couriers sign up: 王喆 on his phone, 李堃 (built) by the service.
    learner_context = new_context(browser, live_server, PHONE, csp_refused)
    phone = learner_context.new_page()
    sign_in(phone, "L001", factories.PASSWORD)
    phone.goto(f"/learning/sessions/{session.pk}/")
    with phone.expect_navigation():
        phone.get_by_role("button", name="报名").click()
    assert SignUp.objects.get(session=session, user=people["learner"].user).status == "confirmed"
    services.signup_create(session=session, user=people["colleague"].user)

    # 4. Check-in: 王喆 scans the code on the projector; 李堃 is ticked on the list.
    page.goto("/learning/sessions/run/")
    page.locator("li.card", has_text="投诉处理演练 第一场").get_by_role(
        "link", name="签到码"
    ).click()
    page.wait_for_url(f"**/learning/sessions/{session.pk}/code/")
    expect(page.locator("[data-qr] svg")).to_be_visible()
    scanned = page.request.get(f"/learning/sessions/{session.pk}/code.json").json()["url"]
    phone.goto(scanned)
    with phone.expect_navigation():
        phone.get_by_role("button", name="确认签到").click()
    expect(phone.get_by_role("status")).to_contain_text("投诉处理演练 第一场")
    page.reload()  # (the projector counts again every 10 s by itself)
    expect(page.locator("[data-checked-in]")).to_have_text("1")

    page.get_by_role("link", name="返回考勤名单").click()
    page.wait_for_url(f"**/learning/sessions/{session.pk}/attendance/")
    with page.expect_navigation():
        page.get_by_role("button", name=PRESENT.format("李堃")).click()
    expect(page.get_by_role("button", name=PRESENT.format("李堃"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_role("button", name=PRESENT.format("王喆"))).to_have_attribute(
        "aria-pressed", "true"
    )
    attendance = dict(
        SignUp.objects.filter(session=session).values_list("user__username", "attendance")
    )
    assert attendance == {"L001": Attendance.PRESENT, "L002": Attendance.PRESENT}

    # 5. Scoring on the tablet: each level tapped is saved at once.
    page.get_by_role("navigation", name="场次").get_by_role("link", name="评分").click()
    page.get_by_role("link", name="王喆").click()
    first, second = page.locator("fieldset[data-criterion]").all()
    first.get_by_role("radio", name=re.compile("^优秀")).check()
    expect(first.locator("[data-state]")).to_contain_text("已保存")
    second.get_by_role("radio", name=re.compile("^未记录")).check()
    expect(second.locator("[data-state]")).to_contain_text("已保存")
    expect(page.locator("[data-percent]")).to_have_text("75.0")  # (3 * 4/4 + 1 * 0/2) / 4
    second.get_by_label("本评分项评语").fill("没有登记工单,下次注意。")
    expect(second.locator("[data-state]")).to_contain_text("已保存")
    page.get_by_label("总体评语").fill("安抚到位。")
    with page.expect_navigation():
        page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="已保存")).to_be_visible()
    page.get_by_role("link", name="全部参训人员").click()
    page.get_by_role("link", name="李堃").click()
    expect(page.get_by_role("heading", name=re.compile("李堃"))).to_be_visible()
    for criterion, level in zip(
        page.locator("fieldset[data-criterion]").all(), ("优秀", "完整"), strict=True
    ):
        criterion.get_by_role("radio", name=re.compile(f"^{level}")).check()
        expect(criterion.locator("[data-state]")).to_contain_text("已保存")
    expect(page.locator("[data-percent]")).to_have_text("100.0")
    page.get_by_role("link", name="全部参训人员").click()
    expect(page.locator("tr", has_text="王喆")).to_contain_text("75.0")
    expect(page.locator("tr", has_text="李堃")).to_contain_text("100.0")
    trainer_context.close()
    scores = dict(
        DrillEvaluation.objects.filter(session=session).values_list("user__username", "percent")
    )
    assert {k: str(v) for k, v in scores.items()} == {"L001": "75.0", "L002": "100.0"}

    # 6. 王喆 reads his score, the level of each criterion and the comments.
    phone.goto("/learning/drills/results/")
    phone.get_by_role("link", name=re.compile("投诉处理演练")).first.click()
    expect(phone.get_by_text("75.0").first).to_be_visible()
    expect(phone.get_by_text("没有登记工单,下次注意。")).to_be_visible()
    expect(phone.get_by_text("安抚到位。")).to_be_visible()
    learner_context.close()
