"""The whole cycle as a spreadsheet: one row per person, the filters and the reader's scope."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from assessments.cycles import export as results_export
from assessments.models import CycleState
from assessments.scoring import arithmetic
from assessments.scoring.labels import POSITION_LABELS
from lms.platform.exports import XLSX_TYPE
from tests.factories import computed_result, in_english, make_cycle, save_results

pytestmark = pytest.mark.django_db


def explanation():
    now = datetime.datetime(2026, 10, 5, 9, tzinfo=datetime.UTC)
    person = arithmetic.Person(
        position="courier",
        surveys=(arithmetic.Survey("S1", "phone", "1-5", Decimal(4)),),
        complaints=(arithmetic.Complaint("C1", "transport", True, now, now),),
        efficiency=(
            arithmetic.EfficiencyRow(
                datetime.date(2026, 10, 1), {"deliveries": 200, "deliveries_on_time": 190}
            ),
        ),
    )
    assessed = arithmetic.assess(person)
    return {name: part.explanation for name, part in assessed.parts.items()}


@pytest.fixture
def cycle(people):
    cycle = make_cycle(days=89, state=CycleState.COMPUTED, computed_at=timezone.now())
    save_results(
        computed_result(cycle, people["learner"], (90, 72, 95, 60), explanation=explanation()),
        computed_result(cycle, people["xihu"], (50, None, 70, 70)),
        computed_result(cycle, people["south"], (100, 90, 95, 100)),
    )
    return cycle


def sheet(response):
    assert response["Content-Type"] == XLSX_TYPE
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(r) for r in workbook.active.iter_rows(values_only=True)]


def export(client, cycle, query=""):
    return client.get(f"/assessment/cycles/{cycle.pk}/export.xlsx{query}")


def test_hr_exports_one_row_per_person_with_the_inputs_in_english(people, login, cycle):
    response = export(in_english(login(people["hr"])), cycle)
    assert f'filename="cycle-{cycle.pk}-results.xlsx"' in response["Content-Disposition"]
    rows = sheet(response)
    headers = rows[0]
    assert headers[:14] == [
        "Employee number",
        "Name",
        "Org unit",
        "Position",
        "Knowledge",
        "Customer satisfaction",
        "Work efficiency",
        "Teamwork and communication",
        "Overall",
        "Grade",
        "Eligible for a certificate",
        "Why not eligible",
        "Computed",
        "Required quizzes",
    ]
    assert "Deliveries on time" in headers and "Items handled" in headers
    by_number = {r[0]: dict(zip(headers, r, strict=True)) for r in rows[1:]}
    assert list(by_number) == ["L001", "L003", "L004"]  # by org unit path, then number
    learner = by_number["L001"]
    assert learner["Name"] == "王喆"
    assert learner["Org unit"] == "测试快递 / 华东区 / 浦东站 / 浦东收派组"
    assert learner["Position"] == "Courier"
    assert (learner["Knowledge"], learner["Overall"], learner["Grade"]) == (90, 79.3, "Pass")
    assert learner["Eligible for a certificate"] == "Yes"
    assert learner["Why not eligible"] in ("", None)
    assert learner["Computed"] == datetime.datetime(2027, 1, 5, 17, 30)  # Shanghai time
    assert (learner["Surveys"], learner["Survey mean"]) == (1, 75)
    assert (learner["Complaints"], learner["Complaint penalty"]) == (1, 3)
    assert (learner["Deliveries on time"], learner["Deliveries"]) == (190, 200)
    assert learner["Queries"] is None  # does not apply to a courier
    xihu = by_number["L003"]
    assert xihu["Customer satisfaction"] is None and xihu["Eligible for a certificate"] == "No"
    assert "Customer satisfaction has no data." in xihu["Why not eligible"]
    assert "Knowledge is below its floor of 60." in xihu["Why not eligible"]


def test_the_headers_follow_the_language_chinese_by_default(people, login, cycle):
    rows = sheet(export(login(people["hr"]), cycle))
    with translation.override("zh-hans"):
        assert rows[0] == results_export.export_headers()
        assert rows[1][3] == str(POSITION_LABELS["courier"])


def test_formula_looking_names_are_neutralised(people, login, make_staff, cycle):
    sly = make_staff("pudong-team", name='=HYPERLINK("http://x","点我")', number="L009")
    save_results(computed_result(cycle, sly))
    rows = sheet(export(in_english(login(people["hr"])), cycle))
    names = {r[0]: r[1] for r in rows[1:]}
    assert names["L009"] == '\'=HYPERLINK("http://x","点我")'
    text = export(login(people["hr"]), cycle, "?format=csv").getvalue().decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_csv_has_the_same_rows(people, login, cycle):
    response = export(in_english(login(people["hr"])), cycle, "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0][:2] == ["Employee number", "Name"]
    assert [r[0] for r in rows[1:]] == ["L001", "L003", "L004"]
    assert rows[1][8] == "79.3" and rows[1][12] == "2027-01-05 17:30"


def test_the_export_follows_the_filters_and_the_trainers_scope(people, login, org, cycle):
    client = in_english(login(people["hr"]))
    rows = sheet(export(client, cycle, f"?unit={org['east'].pk}"))
    assert [r[0] for r in rows[1:]] == ["L001", "L003"]
    rows = sheet(export(client, cycle, "?position=hr"))
    assert rows[1:] == []
    client = in_english(login(people["trainer"]))
    rows = sheet(export(client, cycle))
    assert [r[0] for r in rows[1:]] == ["L001", "L003"]  # not the south
    response = export(client, cycle, f"?unit={org['south'].pk}")
    assert response.status_code == 400
    assert "The filters are not valid" in response.content.decode()


def test_learners_cannot_export_and_trainers_not_a_draft(people, login, cycle):
    assert export(login(people["learner"]), cycle).status_code == 403
    draft = make_cycle(
        "草稿", starts_on=datetime.date(2027, 1, 1), days=89, state=CycleState.DRAFT
    )
    assert export(login(people["trainer"]), draft).status_code == 404
    rows = sheet(export(login(people["hr"]), draft))
    assert len(rows) == 1  # the headers only


def test_the_export_makes_a_fixed_number_of_queries(
    people, login, make_staff, cycle, django_assert_max_num_queries
):
    client = login(people["hr"])
    with django_assert_max_num_queries(10) as few:
        export(client, cycle)
    for n in range(10):
        save_results(computed_result(cycle, make_staff("xihu", name=f"员工{n}")))
    with django_assert_max_num_queries(len(few)):
        rows = sheet(export(client, cycle))
    assert len(rows) == 1 + 3 + 10
