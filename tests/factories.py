"""Test data, built through the services so that tests see what users see, or stored as it
is where a test needs exactly these rows."""

import datetime
import itertools
import secrets

from django.utils import timezone

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
    """A published drill (with its rubric's first version) under a drill index of `training`,
    written by nobody in particular and published by `publish_by` (an author never publishes
    their own drill)."""
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
    page.save_revision().publish(user=publish_by)
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


# Assessment cycles and their results ---------------------------------------------------------


def make_cycle(
    name="2026年第四季度",
    *,
    starts_on=datetime.date(2026, 10, 1),
    days=91,
    state="draft",
    policy=None,
    **fields,
):
    """An assessment cycle from `starts_on` to `days` days later (the fourth quarter of 2026
    unless said), under `policy` (the latest scoring policy unless said); `fields` are stored
    as given (`computed_at`, say)."""
    from assessments.models import AssessmentCycle, ScoringPolicy

    return AssessmentCycle.objects.create(
        name=name,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=days),
        policy=policy or ScoringPolicy.objects.order_by("-version").first(),
        state=state,
        **fields,
    )


COMPUTED_AT = datetime.datetime(2027, 1, 5, 9, 30, tzinfo=datetime.UTC)


def computed_result(
    cycle, profile, scores=(80, 80, 80, 80), overall="mean", *, unit=None, **fields
):
    """An AssessmentResult as cycle_compute would store it (not saved): scores are knowledge,
    satisfaction, efficiency, teamwork; the overall is their plain mean unless given."""
    from assessments.models import AssessmentResult
    from assessments.scoring import arithmetic

    parts = dict(zip(arithmetic.PARTS, (decimal_or_none(v) for v in scores), strict=True))
    present = [v for v in parts.values() if v is not None]
    if overall == "mean":
        overall = arithmetic.rounded(sum(present) / len(present)) if present else None
    overall = decimal_or_none(overall)
    reasons = [f"no_{p}" for p, v in parts.items() if v is None]
    reasons += [f"low_{p}" for p, v in parts.items() if v is not None and v < 60]
    if overall is not None and overall < 60:
        reasons.append("low_overall")
    values = {
        "cycle": cycle,
        "user": profile.user,
        "org_unit": unit or profile.org_unit,
        "position": profile.position,
        **parts,
        "overall": overall,
        "grade": _grade(overall),
        "eligible": not reasons,
        "reasons": reasons,
        "explanation": {},
        "computed_at": COMPUTED_AT,
    }
    values.update(fields)
    return AssessmentResult(**values)


def save_results(*results):
    """`computed_result`s, stored at once."""
    from assessments.models import AssessmentResult

    return AssessmentResult.objects.bulk_create(results)


def decimal_or_none(value):
    from decimal import Decimal

    return None if value is None else Decimal(str(value))


def _grade(overall):
    if overall is None:
        return ""
    for code, minimum in (("excellent", 90), ("good", 80), ("pass", 60)):
        if overall >= minimum:
            return code
    return "fail"


def survey_result(profile, reference, score, *, day=datetime.date(2026, 10, 10), source="phone"):
    """A survey of `profile` scored in percent."""
    from assessments.models import SurveyResult

    SurveyResult.objects.create(
        user=profile.user, reference=reference, date=day, source=source, score=score,
        scale="percent",
    )  # fmt: skip


# Certificates --------------------------------------------------------------------------------

TODAY = timezone.localdate()
PDF = b"%PDF-1.7\n% a stand-in for the rendered certificate\n%%EOF\n"
_certificate_numbers = itertools.count(1)


def make_certificate(
    user,
    *,
    course=None,
    cycle=None,
    name=None,
    issued_on=None,
    issued_at=None,
    expires_on=None,
    revoked=False,
    rendered=True,
    serial=None,
    code=None,
    template=None,
    content=None,
    **fields,
):
    """A certificate of `user` for `course`, or else for `cycle`, stored as it is (not
    issued): its serial number, code, template (an inactive one of its kind), content and
    issuing time made up unless given, its PDF the stand-in `PDF` when `rendered`."""
    from django.core.files.base import ContentFile

    from assessments.certificates.verification import CODE_ALPHABET
    from assessments.models import Certificate, CertificateKind

    kind = CertificateKind.COURSE if course is not None else CertificateKind.CYCLE
    issued_on = issued_on or TODAY - datetime.timedelta(days=30)
    if content is None:
        content = {
            "name": name or user.display_name,
            "employee_number": user.username,
            "org_unit": "华东区 / 浦东站 / 浦东收派组",
            "position": "courier",
            "issued_on": issued_on.isoformat(),
            "expires_on": expires_on.isoformat() if expires_on else None,
        }
        if course is not None:
            content["course"] = {"title": course.title, "completed_on": issued_on.isoformat()}
        else:
            content["cycle"] = {"name": cycle.name, "grade": "good", "eligible": True}
    number = next(_certificate_numbers)
    template = template or template_for(kind)
    # As the issuing service does: the template's issuer, copied into the certificate.
    fields.setdefault("issuer_name", template.issuer_name)
    fields.setdefault("seal_id", template.seal_id)
    certificate = Certificate.objects.create(
        serial=serial or f"{issued_on.year}-{'C' if course is not None else 'A'}-{number:06d}",
        code=code or "".join(secrets.choice(CODE_ALPHABET) for _ in range(16)),
        kind=kind,
        user=user,
        course=course,
        cycle=cycle,
        content=content,
        template=template,
        issued_at=issued_at
        or timezone.make_aware(
            datetime.datetime.combine(issued_on, datetime.time(10, number % 60))
        ),
        expires_on=expires_on,
        revoked_at=timezone.now() if revoked else None,
        revoke_reason="名字印错了 (wrong name)" if revoked else "",
        **fields,
    )
    if rendered:
        certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(PDF), save=False)
        certificate.sha256 = "0" * 64
        certificate.rendered_at = timezone.now()
        certificate.save(update_fields=["pdf", "sha256", "rendered_at"])
    return certificate


def template_for(kind: str):
    """A test template of `kind`, inactive: the default templates of a data migration may
    hold the active place."""
    from assessments.models import CertificateTemplate

    template, _created = CertificateTemplate.objects.get_or_create(
        kind=kind,
        name=f"test {kind}",
        defaults={"active": False, "title_zh": "证书", "body_zh": "{name}"},
    )
    return template


_certified = itertools.count(1)


def certify(
    profile,
    *,
    cycle=None,
    course=None,
    template,
    rendered=True,
    revoked=False,
    expires_on=None,
    issued_at=None,
):
    """A certificate made directly (as the issuing service would), its PDF a tiny stand-in
    saying its serial number."""
    from django.core.files.base import ContentFile

    from assessments.models import Certificate, CertificateKind

    number = next(_certified)
    kind = CertificateKind.CYCLE if cycle is not None else CertificateKind.COURSE
    serial = f"2026-{'A' if cycle is not None else 'C'}-{number:06d}"
    content = {
        "name": profile.full_name,
        "employee_number": profile.user.username,
        "org_unit": " / ".join(profile.org_unit.full_path_names()),
        "position": profile.position,
        "issued_on": "2026-11-27",
        "expires_on": None,
    }
    if cycle is not None:
        content["cycle"] = {
            "name": cycle.name,
            "starts_on": "2026-07-01",
            "ends_on": "2026-09-30",
            "grade": "good",
            "eligible": True,
            "parts": {
                "knowledge": "86.0",
                "satisfaction": "91.2",
                "efficiency": None,
                "teamwork": "80.0",
                "overall": "85.5",
            },
        }
    else:
        content["course"] = {"title": course.title, "completed_on": "2026-11-20"}
    certificate = Certificate(
        serial=serial,
        code=f"TESTCODE{number:08d}",
        kind=kind,
        user=profile.user,
        cycle=cycle,
        course=course,
        content=content,
        template=template,
        expires_on=expires_on,
        issued_at=issued_at or timezone.now(),
    )
    if rendered:
        certificate.pdf.save(f"{serial}.pdf", ContentFile(tiny_pdf(serial)), save=False)
        certificate.sha256 = "0" * 64
        certificate.rendered_at = timezone.now()
    if revoked:
        certificate.revoked_at = timezone.now()
        certificate.revoke_reason = "test"
    certificate.save()
    return certificate


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF saying `text` (ASCII), standing in for a rendered certificate."""
    stream = f"BT /F1 18 Tf 20 50 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 100] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# Live sessions -------------------------------------------------------------------------------

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(days=1, hour=9):
    """A moment `days` from now at `hour` o'clock in Shanghai."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def make_session(
    trainer,
    *,
    starts_at=None,
    hours=2,
    kind="classroom",
    title="投诉处理课堂",
    place="浦东站二楼培训室",
    capacity=2,
    scheduled_by=None,
    **fields,
):
    """A session of `trainer` (a user or a staff profile) from `starts_at` (tomorrow at 9
    unless said) for `hours` hours: scheduled through the service by `scheduled_by` (which
    checks it, its audience included, and records who made it), or without, stored as it is
    (for everyone unless `audience_units` or `audience_everyone` say otherwise)."""
    from courses.models import TrainingSession
    from courses.sessions import services as session_services

    starts_at = starts_at or at()
    fields.update(
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=hours),
        place=place,
        trainer=getattr(trainer, "user", trainer),
        capacity=capacity,
    )
    if scheduled_by is not None:
        return session_services.session_schedule(by=scheduled_by, **fields)
    units = fields.pop("audience_units", None)
    fields.setdefault("audience_everyone", not units)
    session = TrainingSession.objects.create(**fields)
    if units:
        session.audience_units.set(units)
    return session


# Questions and the files HR imports ----------------------------------------------------------


def single(n):
    """The `n`th single-choice question on the collection time (the first choice right)."""
    from decimal import Decimal

    from assessments.questions.data import Choice, Question, QuestionType

    return Question(
        QuestionType.SINGLE,
        f"第{n}题:上门收寄最长不得超过预约时间后多久?",
        name=f"Q{n}",
        choices=(
            Choice("2小时", Decimal(1)),
            Choice("24小时", Decimal(0)),
            Choice("5分钟", Decimal(0)),
        ),
    )


def csv_bytes(kind: str, rows: list[dict], *, language: str = "en", encoding="utf-8") -> bytes:
    """A CSV file of `kind` with the given rows (by column key), headers in `language`."""
    import csv
    import io

    from assessments.imports.kinds import KINDS

    columns = KINDS[kind].columns
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([getattr(c, language) for c in columns])
    for row in rows:
        writer.writerow([row.get(c.key, "") for c in columns])
    return out.getvalue().encode(encoding)


def survey(ref, number="L001", score="4.5", **extra):
    """A row of a surveys file (for `csv_bytes`)."""
    return {
        "reference": ref,
        "employee_number": number,
        "date": "2026-10-08",
        "source": "questionnaire",
        "score": score,
        "scale": "1-5",
        "comment": "",
        **extra,
    }


def xlsx(rows: list[list], *, sheets: int = 1) -> bytes:
    """A workbook of `rows` on its first sheet, and `sheets - 1` other sheets after it."""
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    for number in range(1, sheets):
        workbook.create_sheet(f"other {number}").append(["not", "this"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_bomb_xlsx(rows: int = 400_000) -> bytes:
    """A workbook of a header and `rows` identical rows: a few KB as uploaded, megabytes of
    XML unpacked (the security review's 600 KB of 200,000 rows unpacked to 155 MB)."""
    import io
    import zipfile

    sheet = "xl/worksheets/sheet1.xml"
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx([["工号"]]))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for name in source.namelist():
            data = source.read(name)
            if name == sheet:
                head, end = data.split(b"</sheetData>")
                row = b'<row><c t="inlineStr"><is><t>E1</t></is></c></row>'
                data = head + row * rows + b"</sheetData>" + end
            bomb.writestr(name, data)
    return out.getvalue()


def queued_task(task, *args, status: str = "READY", **fields) -> str:
    """A task of the database backend, as a page sees it while a worker has yet to take it
    (or, with `status="RUNNING"`, runs it): its id, for an object's task_id. The tests run
    tasks with the immediate backend, so nothing else would leave one in the queue."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    found = DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": list(args), "kwargs": {}},
        task_path=task.module_path,
        backend_name="default",
        run_after=get_date_max(),
        started_at=timezone.now() if status == "RUNNING" else None,
        **fields,
    )
    return str(found.pk)
