"""Roster and metrics through the API: exactly the file imports' checks, all or nothing,
idempotent, with the rights of the administrator the token acts for."""

import io

import pytest
from django.utils import translation

from assessments.imports import importing
from assessments.imports.kinds import KINDS
from assessments.imports.problems import Problem
from assessments.models import (
    Complaint,
    EfficiencyRecord,
    ImportBatch,
    ImportSource,
    ImportState,
    SurveyResult,
    TeamworkEvaluation,
)
from lms.models import AuditEvent, StaffProfile, StaffStatus, User
from lms.roles import Role
from tests.factories import csv_bytes, survey

pytestmark = pytest.mark.django_db


def headed(kind: str, rows: list[dict]) -> list[dict]:
    """Rows keyed by column key, as the API takes them: keyed by the English headers, every
    column present (as `csv_bytes` writes them), in the same order."""
    columns = KINDS[kind].columns
    return [{c.en: row.get(c.key, "") for c in columns} for row in rows]


def roster(number, name, unit="华东区/浦东站/浦东一组", **extra):
    return {
        "employee_number": number,
        "full_name": name,
        "org_unit_path": unit,
        "position": "courier",
        "hire_date": "2026-11-02",
        "status": "active",
        "email": "",
        "phone": "",
        **extra,
    }


def as_now(profile, **changes) -> dict:
    unit = "/".join(profile.org_unit.full_path_names())
    now = {
        "position": profile.position,
        "hire_date": profile.hire_date.isoformat(),
        "email": profile.user.email,
    }
    return roster(profile.employee_number, profile.full_name, unit=unit, **{**now, **changes})


def file_problems(kind: str, rows: list[dict], *, by, language: str) -> list[tuple]:
    """The problems HR's upload of the same rows as a CSV file gets, as the API reports them."""
    batch = importing.batch_create(
        kind=kind, name="rows.csv", stream=io.BytesIO(csv_bytes(kind, rows)), by=by
    )
    batch = importing.batch_check(batch)
    with translation.override(language):
        return [
            (p.line, p.column, p.value, p.code, p.message)
            for p in map(Problem.from_json, batch.problems)
        ]


def api_problems(answer) -> list[tuple]:
    return [
        (p["line"], p["column"], p["value"], p["code"], p["message"])
        for p in answer.json()["problems"]
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_bad_rows_get_the_file_imports_problems_and_nothing_is_written(
    people, make_staff, api, make_token, language
):
    make_staff(number="E0001", email="wang@example.com")
    rows = [
        roster("N100", "赵新"),
        roster("N101", "钱多", email="WANG@example.com"),  # E0001's
        roster("N102", "孙立", hire_date="2026-13-01"),
        roster("N100", "赵新"),  # the key again
        roster("N103", "周全", position="astronaut"),
        roster("N104", "", unit="华东区/浦东站/浦东一组/一班/二班/三班"),
    ]
    expected = file_problems("roster", rows, by=people["admin"].user, language=language)
    assert len(expected) >= 5

    payload = {"rows": headed("roster", rows)}
    answer = api.post("/roster", payload, token=make_token(), language=language)

    assert answer.status_code == 422
    assert answer.json()["state"] == "rejected"
    assert api_problems(answer) == expected
    # rows as the caller counts them: the first of `rows` is row 1 (line 2 of the file)
    assert {p["row"] for p in answer.json()["problems"]} == {2, 3, 4, 5, 6}
    assert not StaffProfile.objects.filter(user__username__startswith="N1").exists()
    if language == "zh-hans":
        assert "第 3 行" in answer.json()["problems"][0]["message"]


def test_metrics_problems_are_the_files_too(people, api, make_token):
    rows = [survey("S-1"), survey("S-2", number="NOBODY"), survey("S-3", score="九")]
    expected = file_problems("surveys", rows, by=people["admin"].user, language="en")
    answer = api.post(
        "/metrics/surveys", {"rows": headed("surveys", rows)}, token=make_token(), language="en"
    )
    assert answer.status_code == 422
    assert api_problems(answer) == expected
    assert not SurveyResult.objects.exists()


def test_the_same_payload_twice_adds_nothing_and_a_correction_updates(people, api, make_token):
    token = make_token()
    rows = [survey("S-1"), survey("S-2", "L002", "3")]
    first = api.post("/metrics/surveys", {"rows": headed("surveys", rows)}, token=token)
    assert first.status_code == 200, first.json()
    assert (first.json()["created"], first.json()["unchanged"]) == (2, 0)
    again = api.post("/metrics/surveys", {"rows": headed("surveys", rows)}, token=token)
    assert (again.json()["created"], again.json()["updated"], again.json()["unchanged"]) == (
        0,
        0,
        2,
    )
    assert SurveyResult.objects.count() == 2
    rows[0]["score"] = "5"
    corrected = api.post("/metrics/surveys", {"rows": headed("surveys", rows)}, token=token)
    assert (corrected.json()["created"], corrected.json()["updated"]) == (0, 1)
    assert str(SurveyResult.objects.get(reference="S-1").score) == "5.00"


def test_json_numbers_booleans_and_nulls_are_cells(people, api, make_token):
    """Cells may be JSON numbers, booleans and nulls; columns left out are optional ones."""
    token = make_token()
    complaint = {
        "reference": "C-1",
        "employee number": "L001",
        "received at": "2026-10-08 09:30",
        "category": "service",
        "company at fault": True,
        "first contact at": None,
        "handler": "L002",
    }
    assert api.post("/metrics/complaints", {"rows": [complaint]}, token=token).status_code == 200
    stored = Complaint.objects.get()
    assert stored.company_at_fault is True and stored.first_contact_at is None
    assert stored.handler == people["colleague"].user

    efficiency = {
        "employee number": "L001",
        "period start": "2026-10-01",
        "period end": "2026-10-31",
        "pickups": 120,
        "pickups on time": 110,
    }
    assert api.post("/metrics/efficiency", {"rows": [efficiency]}, token=token).status_code == 200
    assert EfficiencyRecord.objects.get().pickups_on_time == 110

    teamwork = {
        "employee number": "L001",
        "date": "2026-10-20",
        "source": "project",
        "score": 17.5,
        "max score": 20,
    }
    answer = api.post("/metrics/teamwork", {"rows": [teamwork]}, token=token)
    assert answer.status_code == 200, answer.json()
    assert str(TeamworkEvaluation.objects.get().score) == "17.50"


def test_chinese_headers_are_accepted_as_in_files(people, api, make_token):
    columns = KINDS["surveys"].columns
    row = {c.zh: survey("S-9").get(c.key, "") for c in columns}
    answer = api.post("/metrics/surveys", {"rows": [row]}, token=make_token())
    assert answer.status_code == 200, answer.json()
    assert SurveyResult.objects.filter(reference="S-9").exists()


def test_a_roster_sync_creates_updates_and_marks_leavers_and_shows_in_the_history(
    people, api, make_token, login
):
    token = make_token(["roster:write"])
    rows = [
        as_now(people["learner"], phone="13800000000"),
        roster("N100", "赵新", unit="华东区/苏州站/园区一组"),
        as_now(people["colleague"], status="left", left_on="2026-11-30"),
    ]
    answer = api.post("/roster", {"rows": headed("roster", rows)}, token=token)
    assert answer.status_code == 200, answer.json()
    assert (answer.json()["created"], answer.json()["updated"]) == (1, 2)
    assert StaffProfile.objects.get(user__username="L002").status == StaffStatus.LEFT
    batch = ImportBatch.objects.get(pk=answer.json()["batch"])
    assert batch.source == ImportSource.API and batch.state == ImportState.DONE
    assert batch.uploaded_by == people["admin"].user == batch.imported_by
    page = login(people["hr"]).get("/data/imports/")
    assert b"data-source-api" in page.content

    # a full roster marks everyone missing as left, but never the administrator it acts for
    answer = api.post(
        "/roster", {"rows": headed("roster", rows[:2]), "full_roster": True}, token=token
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["left"] > 0
    assert StaffProfile.objects.get(user__username="L003").status == StaffStatus.LEFT
    assert StaffProfile.objects.get(user__username="AD01").status == StaffStatus.ACTIVE


def test_the_token_carries_its_administrators_rights_on_privileged_accounts(
    people, api, make_token
):
    """The same rows HR's file may not import (an HR account's e-mail) pass with a token,
    which acts for the administrator who created it, exactly as that administrator's file."""
    rows = [as_now(people["hr"], email="hr-new@example.com")]
    refused = file_problems("roster", rows, by=people["hr"].user, language="en")
    assert [problem[3] for problem in refused] == ["account_protected"]
    assert file_problems("roster", rows, by=people["admin"].user, language="en") == []

    answer = api.post("/roster", {"rows": headed("roster", rows)}, token=make_token())
    assert answer.status_code == 200, answer.json()
    people["hr"].user.refresh_from_db()
    assert people["hr"].user.email == "hr-new@example.com"


def test_a_token_stops_when_its_administrator_loses_the_role(people, api, make_token):
    from lms.services import staff_set_roles

    token = make_token()
    staff_set_roles(user=people["admin"].user, roles=[Role.HR])
    answer = api.post("/roster", {"rows": headed("roster", [roster("N1", "甲")])}, token=token)
    assert answer.status_code == 401
    assert not User.objects.filter(username="N1").exists()


def test_too_many_rows_are_refused_whole(people, api, make_token, settings):
    settings.LMS_API_MAX_ROWS = 2
    rows = [survey(f"S-{n}") for n in range(3)]
    answer = api.post("/metrics/surveys", {"rows": headed("surveys", rows)}, token=make_token())
    assert answer.status_code == 413
    assert not SurveyResult.objects.exists() and not ImportBatch.objects.exists()


def test_an_empty_payload_writes_nothing(people, api, make_token):
    answer = api.post("/roster", {"rows": [], "full_roster": True}, token=make_token())
    assert answer.status_code == 422
    assert [p["code"] for p in answer.json()["problems"]] == ["empty_file"]
    assert not StaffProfile.objects.filter(status=StaffStatus.LEFT).exists()


def test_every_call_is_audited_without_its_payload(people, api, make_token):
    token = make_token(name="HR system (production)")
    rows = [roster("N100", "赵新"), roster("N101", "钱多")]
    api.post("/roster", {"rows": headed("roster", rows)}, token=token)
    api.post("/roster", {"rows": headed("roster", [roster("N102", "")])}, token=token)
    events = list(AuditEvent.objects.filter(action="api.called").order_by("pk"))
    assert [e.details["status"] for e in events] == [200, 422]
    first = events[0]
    assert first.details["token"] == "HR system (production)"
    assert first.details["endpoint"] == "POST /api/v1/roster"
    assert (first.details["created"], first.details["rows"]) == (2, 2)
    assert first.actor == people["admin"].user
    assert "赵新" not in str(first.details) and "N100" not in str(first.details)
    assert AuditEvent.objects.filter(action="data.imported").count() == 1
