"""Progress reports: by org unit and course, down to the person, exported."""

import csv
import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from courses.learning import reports, services
from courses.models import Enrolment
from lms.platform.exports import safe_cell

pytestmark = pytest.mark.django_db


@pytest.fixture
def progress(people, course):
    """Everyone in the course; L001 finished, L003 one lesson in, L004 overdue."""
    hr = people["hr"].user
    learners = [people[k].user for k in ("learner", "colleague", "xihu", "south")]
    services.assignment_create(
        by=hr, course=course, people=learners,
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )  # fmt: skip
    for lesson in course.lessons:
        services.lesson_complete(user=people["learner"].user, lesson=lesson)
    services.lesson_complete(user=people["xihu"].user, lesson=course.lessons[0])
    Enrolment.objects.filter(user=people["south"].user).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    return course


class TestSummary:
    def test_hr_sees_every_unit_with_rates_and_overdue(self, people, progress):
        total, rows = reports.by_unit(people["hr"].user)
        assert (total.enrolled, total.completed, total.overdue, total.rate) == (4, 1, 1, 25)
        (company,) = rows
        assert company.unit.code == "co" and company.counts.enrolled == 4

        _total, regions = reports.by_unit(people["hr"].user, parent=company.unit)
        by_code = {r.unit.code: r.counts for r in regions}
        assert (by_code["east"].enrolled, by_code["east"].completed, by_code["east"].overdue) == (
            3,
            1,
            0,
        )
        assert (by_code["south"].enrolled, by_code["south"].overdue) == (1, 1)

    def test_staff_attached_to_a_unit_itself_have_their_own_row(self, people, progress):
        services.lesson_complete(user=people["trainer"].user, lesson=progress.lessons[0])
        total, rows = reports.by_unit(people["hr"].user, parent=people["trainer"].org_unit)
        assert [(r.unit.code, r.direct, r.counts.enrolled) for r in rows] == [
            ("pudong", False, 2),
            ("xihu", False, 1),
            ("east", True, 1),
        ]
        assert total.enrolled == 4

    def test_a_trainer_sees_only_their_units(self, people, progress):
        total, rows = reports.by_unit(people["trainer"].user)
        assert [r.unit.code for r in rows] == ["east"]
        assert total.enrolled == 3 and total.overdue == 0
        ((_course, counts),) = reports.by_course(people["trainer"].user)
        assert counts.enrolled == 3 and counts.completed == 1 and counts.rate == 33

    def test_the_page_drills_down_to_the_person(self, people, progress, login):
        client = login(people["trainer"])
        html = client.get("/learning/reports/").content.decode()
        assert "华东区" in html and "华南区" not in html
        html = client.get("/learning/reports/people/", {"unit": "east"}).content.decode()
        assert "王喆" in html and "刘䶮" in html and "黄丽" not in html
        assert 'value="33"' in html  # L003: one lesson of three
        south = client.get("/learning/reports/people/", {"unit": "south"})
        assert "黄丽" not in south.content.decode()  # not theirs, whatever the address says

    def test_overdue_filter(self, people, progress, login, no_mfa_enforcement):
        html = (
            login(people["hr"])
            .get("/learning/reports/people/", {"status": "overdue"})
            .content.decode()
        )
        assert "黄丽" in html and "王喆" not in html


class TestExports:
    def test_csv_has_a_bom_and_one_row_per_enrolment(
        self, people, progress, login, no_mfa_enforcement
    ):
        response = login(people["hr"]).get("/learning/reports/people/", {"format": "csv"})
        assert response["Content-Type"].startswith("text/csv")
        body = b"".join(response.streaming_content).decode("utf-8")
        assert body.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
        assert len(rows) == 5
        by_number = {row[0]: row for row in rows[1:]}
        assert by_number["L001"][7] == "100" and by_number["L003"][7] == "33"
        assert by_number["L001"][2] == "测试快递 / 华东区 / 浦东站 / 浦东收派组"

    def test_xlsx_summary_and_people(self, people, progress, login, no_mfa_enforcement):
        client = login(people["hr"])
        response = client.get("/learning/reports/", {"format": "xlsx"})
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        assert values[1][:5] == ["测试快递", 4, 1, 25, 1]
        response = client.get("/learning/reports/people/", {"format": "xlsx", "unit": "south"})
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) == 2 and rows[1][0] == "L004"
        assert isinstance(rows[1][6], datetime.datetime)  # the due date stays a date

    def test_exported_text_cannot_run_as_a_formula(
        self, people, course, login, make_staff, no_mfa_enforcement
    ):
        evil = make_staff("pudong-team", name='=HYPERLINK("http://x","点我")', number="E666")
        services.lesson_complete(user=evil.user, lesson=course.lessons[0])
        response = login(people["hr"]).get("/learning/reports/people/", {"format": "xlsx"})
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert rows[1][1].startswith("'=")

    @pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
    def test_safe_cell_neutralises_every_formula_prefix(self, text):
        assert safe_cell(text) == "'" + text
        assert safe_cell(-1) == -1 and safe_cell("王喆") == "王喆"


class TestPerson:
    def test_a_persons_page_shows_their_courses_to_their_trainer(self, people, progress, login):
        client = login(people["trainer"])
        html = client.get("/staff/L003/").content.decode()
        assert progress.title in html and 'value="33"' in html
        assert "/learning/assignments/new/?employee=L003" in html

    def test_the_home_page_shows_the_learner_what_to_do_next(self, people, progress, login):
        html = login(people["xihu"]).get("/").content.decode()
        assert progress.title in html
        assert progress.lessons[1].url in html  # continue with the second lesson


def test_the_people_report_and_its_exports_are_each_one_audit_event(
    people, progress, login, org, no_mfa_enforcement
):
    from lms.audit import PersonalRecord
    from lms.models.audit import AuditEvent

    client = login(people["trainer"])
    assert client.get("/learning/reports/people/", REMOTE_ADDR="10.3.3.3").status_code == 200
    listed = AuditEvent.objects.get(action="personal.viewed")
    assert (listed.actor, listed.subject, listed.ip_address) == (
        people["trainer"].user,
        None,
        "10.3.3.3",
    )
    assert listed.details["record"] == PersonalRecord.PROGRESS
    assert listed.details["people"] == 3  # the east: L001, L002, L003
    assert listed.details["scope"] == {"unit": None, "course": None, "status": "", "page": 1}

    response = client.get("/learning/reports/people/", {"format": "xlsx", "unit": "xihu"})
    assert response.status_code == 200
    exported = AuditEvent.objects.get(action="personal.exported")
    assert exported.details["people"] == 1
    assert exported.details["scope"]["unit"] == org["xihu"].pk
    assert exported.details["scope"]["format"] == "xlsx"

    streamed = client.get("/learning/reports/people/", {"format": "csv"})
    b"".join(streamed.streaming_content)
    assert AuditEvent.objects.filter(action="personal.exported").count() == 2
