"""Importing operational data: the whole file or nothing, and the same file twice is a no-op."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from assessments.imports import importing
from assessments.imports.problems import Problem
from assessments.models import (
    Complaint,
    EfficiencyRecord,
    ImportBatch,
    ImportState,
    SurveyResult,
    TeamworkEvaluation,
)
from lms.models import AuditEvent, OrgUnit, StaffProfile, StaffStatus, User
from lms.platform.uploads import Budget
from tests.factories import csv_bytes, survey

pytestmark = pytest.mark.django_db


def run(kind, data: bytes, name="data.csv", **kwargs):
    return importing.import_file(kind=kind, name=name, stream=io.BytesIO(data), **kwargs)


def test_surveys_import_once_and_a_second_time_change_nothing(people):
    data = csv_bytes("surveys", [survey("S-1"), survey("S-2", "L002", "3")])
    batch, outcome = run("surveys", data)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (2, 0, 0)
    assert batch.state == ImportState.DONE and batch.sha256 and batch.rows_total == 2
    first = SurveyResult.objects.get(reference="S-1")
    assert first.user == people["learner"].user and first.score == Decimal("4.5")
    assert first.batch == batch

    _again, outcome = run("surveys", data)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 2)
    assert SurveyResult.objects.count() == 2
    assert SurveyResult.objects.get(reference="S-1").batch == batch  # untouched

    corrected = csv_bytes("surveys", [survey("S-1", score="5"), survey("S-2", "L002", "3")])
    _batch, outcome = run("surveys", corrected)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 1)
    assert SurveyResult.objects.get(reference="S-1").score == Decimal(5)
    assert AuditEvent.objects.filter(action="data.imported").count() == 3


def test_one_bad_row_and_nothing_is_written(people):
    data = csv_bytes(
        "surveys",
        [
            survey("S-1"),
            survey("S-2", number="NOBODY"),
            survey("S-1", number="L002"),  # the same reference again
            survey("S-4", score="7"),  # out of 1-5
        ],
    )
    batch, outcome = run("surveys", data)
    assert batch.state == ImportState.REJECTED and not SurveyResult.objects.exists()
    found = {(p.line, p.code) for p in outcome.problems}
    assert (3, "unknown_employee") in found
    assert (4, "duplicate_key") in found
    assert any(line == 5 for line, _code in found)
    assert outcome.rejected == 3
    unknown = next(p for p in outcome.problems if p.code == "unknown_employee")
    assert unknown.value == "NOBODY" and "NOBODY" in unknown.message
    duplicate = next(p for p in outcome.problems if p.code == "duplicate_key")
    assert duplicate.params["first_line"] == 2


def test_gb18030_and_bom_files_with_chinese_headers_import_the_same(people):
    rows = [survey("S-1"), survey("S-2", "L002")]
    for encoding in ("gb18030", "utf-8-sig", "utf-8"):
        SurveyResult.objects.all().delete()
        data = csv_bytes("surveys", rows, language="zh", encoding=encoding)
        _batch, outcome = run("surveys", data)
        assert outcome.ok, [p.message for p in outcome.problems]
        assert SurveyResult.objects.count() == 2


def efficiency(number="L001", start="2026-10-01", end="2026-10-31", **counts):
    row = {"employee_number": number, "period_start": start, "period_end": end}
    row.update({key: str(value) for key, value in counts.items()})
    return row


def test_efficiency_rows_are_keyed_by_person_and_period(people):
    rows = [
        efficiency(deliveries=120, deliveries_on_time=118, items_handled=300, errors=2),
        efficiency(number="L002", queries=80, queries_on_time=79),
        efficiency(start="2026-11-01", end="2026-11-30", deliveries=100, deliveries_on_time=90),
    ]
    _batch, outcome = run("efficiency", csv_bytes("efficiency", rows))
    assert outcome.created == 3
    october = EfficiencyRecord.objects.get(
        user=people["learner"].user, period_start=datetime.date(2026, 10, 1)
    )
    assert (october.deliveries_on_time, october.queries) == (118, None)  # not measured
    _batch, outcome = run("efficiency", csv_bytes("efficiency", rows))
    assert (outcome.created, outcome.unchanged) == (0, 3)


def test_on_time_above_the_total_is_refused(people):
    rows = [efficiency(deliveries=120, deliveries_on_time=130)]
    _batch, outcome = run("efficiency", csv_bytes("efficiency", rows))
    assert not outcome.ok and not EfficiencyRecord.objects.exists()
    (problem,) = outcome.problems
    assert problem.line == 2 and problem.code == "on_time_exceeds_total"
    assert "130" in problem.message and "120" in problem.message


def test_problems_are_told_in_the_readers_language(people):
    data = csv_bytes("surveys", [survey("S-1", number="NOBODY")])
    batch, _outcome = run("surveys", data)
    batch.refresh_from_db()
    from assessments.imports.problems import Problem

    problem = Problem.from_json(batch.problems[0])
    with translation.override("en"):
        english = problem.message
    with translation.override("zh-hans"):
        chinese = problem.message
    assert "NOBODY" in english and "NOBODY" in chinese and english != chinese


def test_complaints_keep_times_in_the_local_time_zone(people):
    row = {
        "reference": "C-1",
        "employee_number": "L001",
        "received_at": "2026-10-08 09:30",
        "category": "service",
        "company_at_fault": "yes",
        "first_contact_at": "2026-10-08 10:00",
        "resolved_at": "2026-10-09 16:00",
        "outcome": "道歉并补偿",
    }
    _batch, outcome = run("complaints", csv_bytes("complaints", [row]))
    assert outcome.ok, [p.message for p in outcome.problems]
    complaint = Complaint.objects.get()
    local = timezone.localtime(complaint.received_at)
    assert (local.hour, local.minute, str(local.tzinfo)) == (9, 30, "Asia/Shanghai")
    _batch, outcome = run("complaints", csv_bytes("complaints", [row]))
    assert outcome.unchanged == 1


def test_complaints_record_their_handler_and_an_unknown_one_is_refused(people):
    """Manual 4.3.1: the handler (投诉处理人员) answers within 24 hours; the import keeps who
    it is, changes it on a corrected file, and refuses a number nobody has."""
    row = {
        "reference": "C-1",
        "employee_number": "L001",
        "received_at": "2026-10-08 09:30",
        "category": "service",
        "company_at_fault": "no",
        "handler": "L002",
    }
    _batch, outcome = run("complaints", csv_bytes("complaints", [row]))
    assert outcome.ok, [p.message for p in outcome.problems]
    assert Complaint.objects.get().handler == people["colleague"].user
    _batch, outcome = run("complaints", csv_bytes("complaints", [{**row, "handler": ""}]))
    assert outcome.updated == 1 and Complaint.objects.get().handler is None
    before = list(Complaint.objects.values_list("reference", "handler"))
    _batch, outcome = run("complaints", csv_bytes("complaints", [{**row, "handler": "NOBODY"}]))
    assert not outcome.ok
    [problem] = outcome.problems
    assert (problem.code, problem.column, problem.value) == (
        "unknown_employee",
        "handler",
        "NOBODY",
    )
    assert list(Complaint.objects.values_list("reference", "handler")) == before


def test_efficiency_imports_the_solutions_offered_within_2_hours(people):
    row = {
        "employee_number": "L001",
        "period_start": "2026-10-05",
        "period_end": "2026-10-11",
        "exceptions": "10",
        "exceptions_on_time": "9",
        "exceptions_solved": "7",
    }
    _batch, outcome = run("efficiency", csv_bytes("efficiency", [row]))
    assert outcome.ok, [p.message for p in outcome.problems]
    record = EfficiencyRecord.objects.get()
    assert (record.exceptions, record.exceptions_on_time, record.exceptions_solved) == (10, 9, 7)


def test_teamwork_evaluations_import(people):
    row = {
        "employee_number": "L001",
        "date": "2026-10-20",
        "source": "team_project",
        "evaluator": "林海峰",
        "score": "17",
        "max_score": "20",
        "comment": "沟通顺畅",
    }
    _batch, outcome = run("teamwork", csv_bytes("teamwork", [row]))
    assert outcome.ok and TeamworkEvaluation.objects.get().score == Decimal(17)


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


def test_a_roster_creates_people_and_units_and_a_full_roster_marks_leavers(people):
    rows = [
        roster("L001", "王喆"),
        roster("N100", "赵新", unit="华东区/苏州站/园区一组"),
    ]
    batch, outcome = run("roster", csv_bytes("roster", rows), full_roster=True)
    assert outcome.ok, [p.message for p in outcome.problems]
    assert outcome.created == 1 and outcome.updated == 1  # L001 moves to a new team
    newcomer = StaffProfile.objects.select_related("org_unit").get(user__username="N100")
    assert newcomer.full_name == "赵新" and newcomer.org_unit.name == "园区一组"
    assert OrgUnit.objects.get(name="苏州站").kind == "station"
    # everyone else was missing from the full roster
    assert batch.left == outcome.left == StaffProfile.objects.filter(status="left").count() > 0
    assert StaffProfile.objects.get(user__username="L002").status == StaffStatus.LEFT
    _batch, outcome = run("roster", csv_bytes("roster", rows), full_roster=True)
    assert (outcome.created, outcome.updated, outcome.unchanged, outcome.left) == (0, 0, 2, 0)


def test_a_dry_run_writes_nothing(people):
    batch, outcome = run("surveys", csv_bytes("surveys", [survey("S-1")]), dry_run=True)
    assert batch is None and outcome.created == 1
    assert not SurveyResult.objects.exists() and not ImportBatch.objects.exists()


def test_a_failure_half_way_leaves_nothing(people, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK", 2)
    calls = []
    original = importing.SurveySpec.apply

    def fail_on_second(self, records):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        return original(self, records)

    monkeypatch.setattr(importing.SurveySpec, "apply", fail_on_second)
    data = csv_bytes("surveys", [survey(f"S-{i}") for i in range(5)])
    with pytest.raises(RuntimeError):
        run("surveys", data)
    assert not SurveyResult.objects.exists()
    assert ImportBatch.objects.get().state == ImportState.FAILED


def test_the_uploaded_file_is_kept_where_no_url_reaches(people):
    batch, _outcome = run("surveys", csv_bytes("surveys", [survey("S-1")]))
    path = Path(batch.file.path)
    assert path.is_file() and str(settings.MEDIA_ROOT) not in str(path)
    assert "data.csv" not in path.name  # a name nobody can guess


def test_the_command_fails_on_a_bad_file_and_lists_the_problems(people, tmp_path):
    bad = tmp_path / "surveys.csv"
    bad.write_bytes(csv_bytes("surveys", [survey("S-1", number="NOBODY")]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_data", "surveys", str(bad), "--no-progress", stderr=err)
    assert "NOBODY" in err.getvalue() and not SurveyResult.objects.exists()

    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes("surveys", [survey("S-1")]))
    out = io.StringIO()
    call_command(
        "import_data", "surveys", str(good), "--dry-run", stdout=out, stderr=io.StringIO()
    )
    assert "1 new" in out.getvalue() and not SurveyResult.objects.exists()
    call_command("import_data", "surveys", str(good), stdout=out, stderr=io.StringIO())
    assert SurveyResult.objects.count() == 1


def test_comments_keep_every_character_and_a_changed_comment_updates(people):
    text = 'Tab\there, a new line\nthen a back\\slash, "quotes", 引号「」 and 👍'
    row = {
        "employee_number": "L001",
        "date": "2026-10-20",
        "source": "communication_case",
        "evaluator": "林海峰",
        "score": "8.5",
        "max_score": "10",
        "comment": text,
    }
    _batch, outcome = run("teamwork", csv_bytes("teamwork", [row]))
    assert outcome.ok and TeamworkEvaluation.objects.get().comment == text
    _batch, outcome = run("teamwork", csv_bytes("teamwork", [row]))
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 1)
    _batch, outcome = run("teamwork", csv_bytes("teamwork", [{**row, "comment": text + "!"}]))
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 0)
    assert TeamworkEvaluation.objects.get().comment == text + "!"


def test_a_measure_filled_in_later_or_a_survey_moved_to_another_person_is_an_update(people):
    first = efficiency(deliveries=120, deliveries_on_time=118)
    run("efficiency", csv_bytes("efficiency", [first]))
    _batch, outcome = run("efficiency", csv_bytes("efficiency", [{**first, "queries": 80}]))
    assert (outcome.created, outcome.updated) == (0, 1)
    assert EfficiencyRecord.objects.get().queries == 80

    run("surveys", csv_bytes("surveys", [survey("S-1")]))
    _batch, outcome = run("surveys", csv_bytes("surveys", [survey("S-1", number="L002")]))
    assert (outcome.created, outcome.updated) == (0, 1)
    assert SurveyResult.objects.get().user == people["colleague"].user


@pytest.mark.parametrize("chunk", [1, 2, 3])
def test_counts_add_up_over_chunks(people, monkeypatch, chunk):
    monkeypatch.setattr(importing, "CHUNK", chunk)
    run("surveys", csv_bytes("surveys", [survey(f"S-{i}") for i in range(4)]))
    rows = [survey(f"S-{i}", score="3" if i % 2 else "4.5") for i in range(7)]
    batch, outcome = run("surveys", csv_bytes("surveys", rows))
    assert (outcome.created, outcome.updated, outcome.unchanged) == (3, 2, 2)
    assert (batch.created, batch.updated, batch.unchanged) == (3, 2, 2)
    assert SurveyResult.objects.filter(score=3).count() == 3


# What the write would refuse is found by the check -----------------------------------


def checked(data: bytes, *, by=None, kind="roster", full_roster=False) -> ImportBatch:
    """The batch of an uploaded file once checked, as HR's pages run it."""
    batch = importing.batch_create(
        kind=kind, name="roster.csv", stream=io.BytesIO(data), by=by, full_roster=full_roster
    )
    return importing.batch_check(batch)


def problems_of(batch: ImportBatch) -> set[tuple[int, str, str]]:
    return {(p["line"], p["column"], p["code"]) for p in batch.problems}


def as_now(profile, **changes) -> dict:
    """A roster row that leaves `profile` as it is, but for `changes`."""
    unit = "/".join(profile.org_unit.full_path_names())
    now = {
        "position": profile.position,
        "hire_date": profile.hire_date.isoformat(),
        "email": profile.user.email,
    }
    return roster(profile.employee_number, profile.full_name, unit=unit, **{**now, **changes})


def test_an_email_another_person_uses_is_a_row_error_of_the_check(people, make_staff):
    make_staff(number="E0001", email="wang@example.com")
    data = csv_bytes(
        "roster",
        [
            roster("N100", "赵新"),
            roster("N101", "钱多", email="WANG@example.com"),  # E0001's, in other case
        ],
    )
    batch = checked(data, by=people["hr"].user)
    assert batch.state == ImportState.REJECTED
    assert problems_of(batch) == {(3, "email", "email_taken")}
    assert "wang@example.com" in Problem.from_json(batch.problems[0]).message.lower()
    assert not StaffProfile.objects.filter(user__username__in=["N100", "N101"]).exists()


def test_an_email_repeated_in_the_file_is_a_row_error_of_the_check(people):
    data = csv_bytes(
        "roster",
        [
            roster("N100", "赵新", email="same@example.com"),
            roster("N101", "钱多"),
            roster("N102", "孙立", email="Same@Example.com"),
        ],
    )
    batch = checked(data, by=people["hr"].user)
    assert batch.state == ImportState.REJECTED
    assert problems_of(batch) == {(4, "email", "email_repeated")}
    [problem] = batch.problems
    assert problem["params"]["first_line"] == 2
    with translation.override("zh-hans"):
        message = Problem.from_json(problem).message
    assert "第 2 行" in message and "第 4 行" in message
    assert not StaffProfile.objects.filter(user__username__startswith="N1").exists()


def test_a_person_keeping_their_own_email_is_no_problem(people, make_staff):
    me = make_staff(number="E0001", email="me@example.com")
    _batch, outcome = run("roster", csv_bytes("roster", [as_now(me, full_name="王新")]))
    assert outcome.ok, [p.message for p in outcome.problems]
    assert outcome.updated == 1


def test_the_write_refuses_what_the_check_let_through_when_the_data_changed(people, make_staff):
    batch = checked(
        csv_bytes("roster", [roster("N100", "赵新", email="late@example.com")]),
        by=people["hr"].user,
    )
    assert batch.state == ImportState.CHECKED
    make_staff(number="E0002", email="late@example.com")  # since the check
    batch = importing.batch_apply(batch, by=people["hr"].user)
    assert batch.state == ImportState.REJECTED  # not failed: a row error, no traceback
    assert problems_of(batch) == {(2, "email", "email_taken")}
    assert not StaffProfile.objects.filter(user__username="N100").exists()


def test_an_employee_number_of_an_account_without_a_staff_record(people, django_user_model):
    django_user_model.objects.create_user(username="root", password="x")
    batch = checked(csv_bytes("roster", [roster("root", "赵新")]), by=people["hr"].user)
    assert problems_of(batch) == {(2, "employee number", "account_without_profile")}


def test_a_roster_without_an_email_column_keeps_the_addresses(people, make_staff):
    kept = make_staff(
        number="E0001", email="kept@example.com", hire_date=datetime.date(2026, 1, 5)
    )
    data = (
        "工号,姓名,所属组织,岗位,入职日期\r\n"
        f"E0001,王新,{'/'.join(kept.org_unit.full_path_names())},快递员,2026-01-05\r\n"
    ).encode()
    _batch, outcome = run("roster", data, by=people["hr"].user)
    assert outcome.ok, [p.message for p in outcome.problems]
    kept.refresh_from_db()
    assert kept.full_name == "王新" and kept.user.email == "kept@example.com"


def test_a_unit_made_by_an_import_and_renamed_since_does_not_block_a_new_one(people):
    _batch, outcome = run("roster", csv_bytes("roster", [roster("N100", "赵新")]))
    assert outcome.ok
    made = OrgUnit.objects.get(name="浦东一组")
    made.name = "浦东一组-旧"
    made.save()
    _batch, outcome = run("roster", csv_bytes("roster", [roster("N101", "钱多")]))
    assert outcome.ok, [p.message for p in outcome.problems]
    again = OrgUnit.objects.get(name="浦东一组")
    assert again.pk != made.pk and again.code.startswith(made.code)


# Roles have an order, in the roster too ----------------------------------------------


@pytest.mark.parametrize(
    ("target", "change"),
    [
        ("admin", {"email": "taken-over@example.com"}),
        ("admin", {"status": "left", "left_on": "2026-11-30"}),
        ("hr", {"email": "taken-over@example.com"}),
    ],
)
def test_hr_may_not_change_the_email_of_or_deactivate_an_hr_or_administrator_account(
    people, target, change
):
    """The security review: HR's roster changing the Administrator's e-mail (then a
    password reset to it) would take over the Administrator's account."""
    account = people[target]
    before = (account.user.email, account.status)
    data = csv_bytes("roster", [roster("N100", "赵新"), as_now(account, **change)])
    batch = checked(data, by=people["hr"].user)
    assert batch.state == ImportState.REJECTED
    [(line, column, code)] = problems_of(batch)
    assert (line, code) == (3, "account_protected")
    assert column == ("email" if "email" in change else "status")
    with translation.override("en"):
        assert (
            "only an administrator may change this account"
            in Problem.from_json(batch.problems[0]).message
        )
    account.refresh_from_db()
    account.user.refresh_from_db()
    assert (account.user.email, account.status) == before
    assert not StaffProfile.objects.filter(user__username="N100").exists()


def test_hr_may_still_change_staff_accounts_and_leave_administrators_as_they_are(people):
    data = csv_bytes(
        "roster",
        [
            as_now(
                people["learner"], email="new@example.com", status="left", left_on="2026-11-30"
            ),
            as_now(people["admin"]),  # unchanged: nothing to ask
        ],
    )
    batch = checked(data, by=people["hr"].user)
    assert batch.state == ImportState.CHECKED, batch.problems
    batch = importing.batch_apply(batch, by=people["hr"].user)
    assert batch.state == ImportState.DONE
    learner = StaffProfile.objects.select_related("user").get(pk=people["learner"].pk)
    assert (learner.user.email, learner.status) == ("new@example.com", StaffStatus.LEFT)


def test_only_an_administrator_creates_an_hr_account_by_roster(people):
    data = csv_bytes("roster", [roster("N100", "赵新"), roster("N101", "钱人事", position="hr")])
    batch = checked(data, by=people["hr"].user)
    assert batch.state == ImportState.REJECTED
    assert problems_of(batch) == {(3, "position", "account_protected_new")}
    assert not StaffProfile.objects.filter(user__username__in=["N100", "N101"]).exists()
    batch = checked(data, by=people["admin"].user)
    assert batch.state == ImportState.CHECKED, batch.problems
    assert importing.batch_apply(batch, by=people["admin"].user).state == ImportState.DONE
    assert User.objects.get(username="N101").groups.filter(name="HR").exists()


def test_an_administrator_may_change_an_administrator_account(people):
    data = csv_bytes("roster", [as_now(people["hr"], email="hr-new@example.com")])
    batch = checked(data, by=people["admin"].user)
    assert batch.state == ImportState.CHECKED, batch.problems
    assert importing.batch_apply(batch, by=people["admin"].user).state == ImportState.DONE
    people["hr"].user.refresh_from_db()
    assert people["hr"].user.email == "hr-new@example.com"


def test_hr_cannot_write_what_an_administrator_uploaded_for_an_administrator(people):
    data = csv_bytes("roster", [as_now(people["admin"], email="admin-new@example.com")])
    batch = checked(data, by=people["admin"].user)
    assert batch.state == ImportState.CHECKED
    batch = importing.batch_apply(batch, by=people["hr"].user)
    assert batch.state == ImportState.REJECTED
    assert problems_of(batch) == {(2, "email", "account_protected")}


def test_a_full_roster_from_hr_may_not_mark_an_administrator_as_left(people):
    rows = [as_now(profile) for key, profile in people.items() if key != "admin"]
    batch = checked(csv_bytes("roster", rows), by=people["hr"].user, full_roster=True)
    assert batch.state == ImportState.REJECTED
    assert problems_of(batch) == {(0, "", "account_protected_missing")}
    assert "AD01" in Problem.from_json(batch.problems[0]).message
    # an administrator may; and a roster never marks the person importing it as left
    batch = checked(csv_bytes("roster", rows), by=people["admin"].user, full_roster=True)
    assert batch.state == ImportState.CHECKED, batch.problems
    assert batch.left == 0


# Bounded in rows and in time -----------------------------------------------------------


def test_a_file_of_more_rows_than_allowed_is_refused_while_reading(people, settings, monkeypatch):
    settings.LMS_UPLOAD_MAX_ROWS = {"import": 3}
    monkeypatch.setattr(importing, "CHUNK", 2)
    read = []
    original = importing._good_records

    def counting(spec, keys, outcome, chunk):
        read.extend(chunk)
        return original(spec, keys, outcome, chunk)

    monkeypatch.setattr(importing, "_good_records", counting)
    data = csv_bytes("surveys", [survey(f"S-{n}") for n in range(10)])
    batch = checked(data, by=people["hr"].user, kind="surveys")
    assert batch.state == ImportState.REJECTED
    assert problems_of(batch) == {(0, "", "too_many_rows")}
    assert len(read) == 2  # stopped at the chunk that went over: rows 5 to 10 never read
    assert "3" in Problem.from_json(batch.problems[0]).message


def test_a_check_that_takes_too_long_is_refused_and_writes_nothing(people, settings, monkeypatch):
    settings.LMS_UPLOAD_MAX_SECONDS = {"import": 60}
    clock = iter([0.0, 30.0, 90.0])
    monkeypatch.setattr(importing, "CHUNK", 1)
    monkeypatch.setattr(importing, "Budget", lambda kind: Budget(kind, clock=lambda: next(clock)))
    batch = checked(
        csv_bytes("surveys", [survey(f"S-{n}") for n in range(5)]),
        by=people["hr"].user,
        kind="surveys",
    )
    assert batch.state == ImportState.REJECTED
    assert problems_of(batch) == {(0, "", "too_slow")}
    assert not SurveyResult.objects.exists()


def test_a_file_without_an_optional_text_column_imports(people):
    """A complaints file without the outcome (or handler) column: the outcome is stored
    empty, as an empty cell would be, not refused by the database."""
    data = (
        b"reference,employee number,received at,category,company at fault\n"
        b"C-1,L001,2026-10-08 09:30,service,yes\n"
    )
    _batch, outcome = run("complaints", data)
    assert outcome.ok and outcome.created == 1
    assert Complaint.objects.get().outcome == ""
    surveys = "reference,employee number,date,source,score,scale\nS-1,L001,2026-10-08,phone,4,1-5"
    _batch, outcome = run("surveys", surveys.encode())
    assert outcome.ok and SurveyResult.objects.get().comment == ""
