"""Test data, built through the services so that tests see what users see."""

import datetime
import itertools

from lms import services
from lms.models import OrgUnit, StaffProfile
from lms.roles import Role

PASSWORD = "correct-horse-battery"
_numbers = itertools.count(1)


def org_tree() -> dict[str, OrgUnit]:
    """company → two regions → a station each (and a second in the east) → teams."""
    company = services.orgunit_create(name="测试快递", kind="company", code="co")
    east = services.orgunit_create(name="华东区", kind="region", code="east", parent=company)
    south = services.orgunit_create(name="华南区", kind="region", code="south", parent=company)
    pudong = services.orgunit_create(name="浦东站", kind="station", code="pudong", parent=east)
    xihu = services.orgunit_create(name="西湖站", kind="station", code="xihu", parent=east)
    tianhe = services.orgunit_create(name="天河站", kind="station", code="tianhe", parent=south)
    pudong_team = services.orgunit_create(
        name="浦东收派组",
        kind="team",
        code="pudong-team",
        parent=OrgUnit.objects.get(pk=pudong.pk),
    )
    return {
        unit.code: OrgUnit.objects.get(pk=unit.pk)
        for unit in (company, east, south, pudong, xihu, tianhe, pudong_team)
    }


def staff(
    unit: OrgUnit,
    *,
    roles: list[Role] | None = None,
    position: str = "courier",
    name: str = "张伟",
    email: str = "",
    number: str | None = None,
    trainer_units: list[OrgUnit] | None = None,
    password: str = PASSWORD,
    hire_date: datetime.date = datetime.date(2025, 3, 1),
) -> StaffProfile:
    profile = services.staff_create(
        employee_number=number or f"T{next(_numbers):05d}",
        full_name=name,
        org_unit=unit,
        position=position,
        hire_date=hire_date,
        email=email,
        roles=roles,
        password=password,
    )
    if trainer_units:
        services.trainer_assign_units(profile=profile, units=trainer_units)
    return profile


# Training pages ------------------------------------------------------------


def training_site(*, title="培训中心"):
    """The training home and a course index under the site's home page."""
    from courses.models import CourseIndexPage, TrainingHomePage
    from lms.models import HomePage

    home = HomePage.objects.first()
    training = TrainingHomePage(title=title, slug="training")
    home.add_child(instance=training)
    index = CourseIndexPage(title="课程", slug="courses")
    training.add_child(instance=index)
    return index


def course(index, title, *, module="service", lessons=3, slug=None, body=None, **fields):
    """A published course with `lessons` published lessons; returns (course, lessons)."""
    from courses.models import CoursePage, LessonPage

    page = CoursePage(
        title=title, slug=slug or f"course-{index.numchild + 1}", module=module,
        summary=f"{title}的课程简介。", **fields,
    )  # fmt: skip
    index.add_child(instance=page)  # live, without a revision: fast, as editing is not tested
    index.refresh_from_db()
    made = []
    for n in range(1, lessons + 1):
        lesson = LessonPage(
            title=f"{title} 第{n}课",
            slug=f"lesson-{n}",
            body=body
            or [("text", f"<p>第{n}课:客户投诉须在24小时内回复,服务时效是考核重点。</p>")],
        )
        page.add_child(instance=lesson)
        made.append(lesson)
    page.refresh_from_db()
    return page, made


def drill(training, title="客户投诉电话演练", *, publish_by=None):
    """A published drill (with its rubric's first version) under a drill index of `training`."""
    from courses.models import DrillIndexPage, DrillPage

    drills = DrillIndexPage.objects.child_of(training).first()
    if drills is None:
        drills = DrillIndexPage(title="实战演练", slug="drills")
        training.add_child(instance=drills)
    page = DrillPage(
        title=title,
        slug=f"drill-{DrillPage.objects.count() + 1}",
        module="service",
        scenario="<p>客户来电投诉包裹延误, 情绪激动.</p>",
        objectives="安抚客户情绪\n24小时内给出处理结果",
        steps="接听并自报工号\n倾听并记录\n给出处理方案",
        rubric=[
            ("criterion", _criterion("安抚情绪", 3, [("优秀", 4), ("合格", 2), ("不合格", 0)])),
            ("criterion", _criterion("记录完整", 1, [("完整", 2), ("缺项", 1), ("未记录", 0)])),
        ],
    )
    drills.add_child(instance=page)
    page.save_revision(user=publish_by).publish(user=publish_by)
    page.refresh_from_db()
    return page


def _criterion(name, weight, levels):
    from decimal import Decimal

    return {
        "name": name,
        "description": "",
        "weight": Decimal(weight),
        "levels": [
            {"label": label, "descriptor": f"{name}: {label}", "points": Decimal(points)}
            for label, points in levels
        ],
    }


def in_english(client):
    """The client, asking for pages in English (zh-hans is the default): for tests that
    read the pages' words."""
    client.cookies["lms_language"] = "en"
    return client


def assessment_result(
    cycle,
    profile,
    *,
    eligible=True,
    overall="85.5",
    knowledge="86.0",
    efficiency=None,
    grade="good",
):
    """A computed result of `profile` in `cycle`, eligible unless said (then graded fail)."""
    from decimal import Decimal

    from django.utils import timezone

    from assessments.models import AssessmentResult

    return AssessmentResult.objects.create(
        cycle=cycle,
        user=profile.user,
        org_unit=profile.org_unit,
        position=profile.position,
        knowledge=Decimal(knowledge),
        satisfaction=Decimal("91.2"),
        efficiency=None if efficiency is None else Decimal(efficiency),
        teamwork=Decimal("80.0"),
        overall=Decimal(overall),
        grade=grade if eligible else "fail",
        eligible=eligible,
        reasons=[] if eligible else ["low_overall"],
        explanation={},
        computed_at=timezone.now(),
    )
