"""HR's quarter, in Chromium: import the quarter's data (a file with errors first, then the
corrected one), compute and finalise the cycle, issue its certificates to a branch, print
them as one PDF, and verify one on the public page.

Background work (checking and importing files, computing the cycle, rendering the
certificates) runs inside the request in tests (django-tasks' ImmediateBackend), so each page
comes back in its final state; the assertions still wait for it, as a person watching the
progress bar would.
"""

import pikepdf
import pytest
from playwright.sync_api import expect

from assessments.models import (
    AssessmentCycle,
    AssessmentResult,
    Certificate,
    CycleState,
    EfficiencyRecord,
    ImportBatch,
    SurveyResult,
    TeamworkEvaluation,
)
from assessments.quizzes import services
from tests import factories
from tests.browser.builders import module_test
from tests.browser.conftest import csp_refusals, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DESK = {"width": 1280, "height": 900}

SURVEYS_HEADER = "调查编号,工号,调查日期,调查方式,满意度得分,评分制,备注\n"
# Lines count the header as line 1: line 3 names nobody, line 4 is a date that does not
# exist, line 5 gives 6 on the 1-5 scale.
SURVEYS_WITH_ERRORS = SURVEYS_HEADER + (
    "MY-Q4-001,L001,2026-10-12,电话访问,92,百分制,态度很好\n"
    "MY-Q4-002,E9999,2026-10-13,电话访问,88,百分制,\n"
    "MY-Q4-003,L002,2026-11-31,问卷调查,85,百分制,\n"
    "MY-Q4-004,L003,2026-10-20,电话访问,6,五分制,\n"
)
SURVEYS = SURVEYS_HEADER + (
    "MY-Q4-001,L001,2026-10-12,电话访问,92,百分制,态度很好\n"
    "MY-Q4-002,L002,2026-10-13,电话访问,88,百分制,\n"
    "MY-Q4-003,L002,2026-11-30,问卷调查,85,百分制,\n"
    "MY-Q4-004,L003,2026-10-20,电话访问,5,五分制,\n"
)
EFFICIENCY = (
    "employee number,period start,period end,pickups,pickups on time,deliveries,"
    "deliveries on time,queries,queries answered in 5 min,exceptions,"
    "exceptions contacted in 2 h,items handled,errors\n"
    "L001,2026-10-05,2026-10-11,120,119,560,556,,,10,10,700,0\n"
    "L002,2026-10-05,2026-10-11,110,108,540,533,,,8,8,650,1\n"
    "L003,2026-10-05,2026-10-11,100,97,500,488,,,9,8,600,1\n"
)
TEAMWORK = (
    "employee number,date,source,evaluator,score,max score,comment\n"
    "L001,2026-10-20,communication_case,林海峰,9,10,主动告知后续进展。\n"
    "L002,2026-10-20,communication_case,林海峰,8.5,10,\n"
    "L003,2026-10-21,communication_case,林海峰,8,10,\n"
)


@pytest.fixture
def desk(browser, live_server, settings):
    """HR's desktop, in Chinese."""
    settings.LMS_ENFORCE_MFA = False
    context = browser.new_context(
        viewport=DESK, locale="zh-CN", base_url=live_server.url, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    refused = csp_refusals(context)
    page = context.new_page()
    yield page
    context.close()
    assert refused == []


@pytest.fixture
def quarterly_test(people):
    """The quarter's knowledge test, sat (and passed) by the two couriers of 浦东站."""
    index = factories.training_site()
    course, _lessons = factories.course(index, "客户服务知识", lessons=1)
    quiz = module_test(course, title="第四季度知识测验", slug="q4-test")
    for key in ("learner", "colleague"):
        attempt = services.attempt_start(quiz=quiz, user=people[key].user)
        services.answer_save(attempt=attempt, position=1, data={"choice": "0"})
        services.answer_save(attempt=attempt, position=2, data={"truth": "true"})
        services.attempt_submit(attempt=attempt)
    return quiz


def upload(page, tmp_path, kind: str, name: str, text: str, *, encoding="utf-8"):
    """Upload a file on the imports page and wait for the check to finish."""
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    page.get_by_role("link", name="数据导入").first.click()
    page.wait_for_url("**/data/imports/")
    page.get_by_label("文件内容").select_option(label=kind)
    page.locator("input[type=file]").set_input_files(path)  # labelled "文件 *"
    with page.expect_navigation():
        page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url("**/data/imports/*/")
    expect(page.locator("[data-progress]")).to_have_count(0)  # the check has finished


def confirm_import(page):
    expect(page.get_by_role("heading", name="导入此文件将产生的变更")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="导入", exact=True).click()
    expect(page.get_by_role("heading", name="导入结果")).to_be_visible()


def test_hr_imports_computes_finalises_issues_prints_and_verifies(
    desk, browser, live_server, people, org, quarterly_test, tmp_path
):
    page = desk
    sign_in(page, "HR01", factories.PASSWORD)

    # 1. The surveys, first with four mistakes: the whole file is refused, every problem listed.
    upload(page, tmp_path, "客户满意度调查", "surveys-with-errors.csv", SURVEYS_WITH_ERRORS)
    expect(page.get_by_role("heading", name="发现 3 个问题")).to_be_visible()
    problems = page.locator("table tbody tr")
    expect(problems).to_have_count(3)
    expect(problems.nth(0).locator("th").first).to_have_text("第 3 行")
    expect(problems.nth(0)).to_contain_text("E9999")
    expect(problems.nth(1).locator("th").first).to_have_text("第 4 行")
    expect(problems.nth(1)).to_contain_text("2026-11-31")
    expect(problems.nth(2).locator("th").first).to_have_text("第 5 行")
    expect(page.get_by_role("button", name="导入", exact=True)).to_have_count(0)
    assert not SurveyResult.objects.exists()

    # The corrected file (as Chinese Excel saves it, in GB18030): previewed, then imported.
    upload(page, tmp_path, "客户满意度调查", "surveys.csv", SURVEYS, encoding="gb18030")
    confirm_import(page)
    assert SurveyResult.objects.count() == 4
    upload(page, tmp_path, "工作效率指标", "efficiency.csv", EFFICIENCY)
    confirm_import(page)
    upload(page, tmp_path, "团队协作评价", "teamwork.csv", TEAMWORK)
    confirm_import(page)
    assert EfficiencyRecord.objects.count() == 3 and TeamworkEvaluation.objects.count() == 3
    page.get_by_role("link", name="数据导入").first.click()
    history = page.locator("section", has=page.get_by_role("heading", name="导入记录"))
    expect(history.locator("tbody tr")).to_have_count(4)  # the refused file is kept too
    assert ImportBatch.objects.count() == 4

    # 2. The quarter's cycle: created, computed, finalised.
    page.goto("/assessment/cycles/")
    page.get_by_role("link", name="新建考核周期").click()
    page.get_by_label("名称").fill("2026年第四季度考核")
    page.get_by_label("起始日期").fill("2026-10-01")
    page.get_by_label("截止日期").fill("2026-12-31")
    page.get_by_label("第四季度知识测验").check()
    with page.expect_navigation():
        page.get_by_role("button", name="创建考核周期").click()
    expect(page.get_by_role("heading", name="2026年第四季度考核")).to_be_visible()
    cycle = AssessmentCycle.objects.get()
    with page.expect_navigation():
        page.get_by_role("button", name="计算").click()
    expect(page.locator("[data-progress]")).to_have_count(0)
    results = page.get_by_role("table", name="成绩")
    expect(results.get_by_role("link", name="王喆")).to_be_visible()
    assert AssessmentResult.objects.filter(cycle=cycle, eligible=True).count() == 2
    page.get_by_role("link", name="定稿").click()
    page.wait_for_url(f"**/assessment/cycles/{cycle.pk}/finalise/")
    with page.expect_navigation():
        page.get_by_role("button", name="定稿").click()
    expect(page.locator("[data-cycle-locked]")).to_be_visible()
    cycle.refresh_from_db()
    assert cycle.state == CycleState.FINALISED

    # 3. Certificates for one branch, 浦东站.
    page.get_by_role("link", name="颁发证书").click()
    page.wait_for_url(f"**/assessment/certificates/issue/{cycle.pk}/**")
    page.get_by_label("仅限此组织单元").select_option(str(org["pudong"].pk))
    with page.expect_navigation():
        page.get_by_role("button", name="统计").click()
    expect(page.locator("[data-waiting]")).to_have_text("2")
    with page.expect_navigation():
        page.get_by_role("button", name="颁发证书").click()
    page.wait_for_url("**/assessment/certificates/?cycle=*")
    issued = Certificate.objects.filter(cycle=cycle)
    assert issued.count() == 2 and all(c.rendered_at for c in issued)

    # The branch's certificates, filtered, printed as one PDF (a small batch comes at once).
    page.get_by_label("组织单元").select_option(str(org["pudong"].pk))
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    rows = page.get_by_role("table", name="证书").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="王喆")).to_have_count(1)
    page.locator("[data-print-filtered]").click()
    page.wait_for_url("**/assessment/certificates/print/**")
    expect(page.locator("[data-count]")).to_contain_text("2")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="生成 PDF").click()
    download = download_info.value
    with pikepdf.open(download.path()) as pdf:
        assert len(pdf.pages) == 2

    # 4. Anyone checks one certificate on the public page, typing the code as printed.
    certificate = issued.get(user=people["learner"].user)
    public = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN",
                                 base_url=live_server.url)  # fmt: skip
    visitor = public.new_page()
    visitor.goto("/verify/")
    visitor.get_by_label("验证码").fill(certificate.code.lower())
    with visitor.expect_navigation():
        visitor.get_by_role("button", name="验证").click()
    expect(visitor.locator("[data-verification=valid]")).to_be_visible()
    expect(visitor.locator("[data-masked-name]")).to_have_text("王*")
    expect(visitor.get_by_text("2026年第四季度考核")).to_be_visible()
    public.close()
