"""The demo's operational data (assessments.demo.operations): imported by `seed_demo`
through the import itself, once; spread from excellent to struggling, with gaps; and
the example files of `assessments/demo/data`, good and broken.

`seed_demo` runs once for the module, inside a transaction rolled back at the end, with
the demo training and quizzes left out: they take half a minute, this data does not
depend on them, and `test_demo_quizzes` loads them.
"""

import datetime
import io
import itertools
import re
from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F
from django.test import override_settings
from django.utils import timezone

from assessments.demo import operations
from assessments.imports import importing
from assessments.models import (
    Complaint,
    EfficiencyRecord,
    ImportBatch,
    ImportState,
    SurveyResult,
    TeamworkEvaluation,
)
from lms.demo.company import DEMO_ACCOUNTS, LEAVERS, STAFF
from lms.models import AuditEvent, StaffProfile

pytestmark = pytest.mark.django_db

MODELS = {
    "surveys": SurveyResult,
    "complaints": Complaint,
    "efficiency": EfficiencyRecord,
    "teamwork": TeamworkEvaluation,
}
DATED = {"surveys": "date", "complaints": "received_at", "efficiency": "period_start"}
DATED["teamwork"] = "date"
POSITIONS = {number: position for number, _n, _u, position, *_rest in DEMO_ACCOUNTS + STAFF}
NAMES = {number: name for number, name, *_rest in DEMO_ACCOUNTS + STAFF}
README = operations.DATA / "README.md"


@pytest.fixture(scope="module")
def seed_output(django_db_setup, django_db_blocker, tmp_path_factory):
    output = StringIO()
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))),
        pytest.MonkeyPatch.context() as patch,
        transaction.atomic(),
    ):
        for module, name in [
            ("courses.demo.learning", "load_demo_courses"),
            ("assessments.demo.questions", "load_demo_questions"),
            ("assessments.demo.quizzes", "load_demo_quizzes"),
        ]:
            patch.setattr(f"{module}.{name}", lambda stdout=None: 0)
        call_command("seed_demo", stdout=output)
        yield output.getvalue()
        transaction.set_rollback(True)


def today() -> datetime.date:
    return timezone.localdate()


def day_of(value) -> datetime.date:
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


def rows_of(kind: str) -> list[dict]:
    return list(MODELS[kind].objects.values("user__username", DATED[kind]))


def share(score: Decimal, scale: str) -> Decimal:
    """A survey score as a percentage, as the assessment normalises it."""
    if scale == "1-5":
        return (score - 1) * 25
    return score * 10 if scale == "0-10" else score


# Seeding ------------------------------------------------------------------------------


def test_seed_demo_imports_each_kind_through_the_import(seed_output):
    windows = operations.seed_windows(today())
    expected = operations.generate(
        operations.demo_people(), windows, datetime.datetime.combine(today(), datetime.time())
    )
    hr = StaffProfile.objects.get(user__username="H0001").user
    for kind, model in MODELS.items():
        assert model.objects.count() == len(expected.rows(kind)) > 0, kind
        batch = ImportBatch.objects.get(kind=kind)
        assert batch.state == ImportState.DONE and batch.created == model.objects.count()
        assert batch.uploaded_by == hr and batch.problem_count == 0
        assert model.objects.exclude(batch=batch).count() == 0
        label = operations.LABELS[kind]
        assert f"Demo {label} imported from {batch.file_name}: {batch.created} new" in seed_output
    # Both readers, both header languages, and the encodings Excel writes.
    names = set(ImportBatch.objects.values_list("file_name", flat=True))
    assert {name.rsplit(".", 1)[1] for name in names} == {"csv", "xlsx"}
    assert AuditEvent.objects.filter(action="data.imported").count() == 4


def test_the_previous_quarter_and_the_current_one_up_to_yesterday(seed_output):
    (first, end_of_previous), *current = operations.seed_windows(today())
    assert first.month in (1, 4, 7, 10) and first.day == 1
    assert (end_of_previous + datetime.timedelta(days=1)).month in (1, 4, 7, 10)
    for kind in MODELS:
        days = [day_of(row[DATED[kind]]) for row in rows_of(kind)]
        assert min(days) >= first and max(days) < today(), kind
        assert any(day <= end_of_previous for day in days), kind
        # The current quarter has its share once it is a few weeks old.
        if current and (today() - current[0][0]).days > 30:
            assert any(day > end_of_previous for day in days), kind


def test_nobody_has_data_before_joining_or_after_leaving(seed_output):
    profiles = {p.user.username: p for p in StaffProfile.objects.select_related("user")}
    for kind in MODELS:
        for row in rows_of(kind):
            profile = profiles[row["user__username"]]
            day = day_of(row[DATED[kind]])
            assert day >= profile.hire_date, (kind, row)
            assert profile.left_on is None or day <= profile.left_on, (kind, row)
    # The leaver's last week ends on the day they left (if that is recent enough).
    [(leaver, left_on)] = LEAVERS
    if operations.seed_windows(today())[0][0] <= left_on:
        last = EfficiencyRecord.objects.filter(user__username=leaver).latest("period_end")
        assert last.period_end == left_on


def test_seeding_again_adds_nothing(seed_output):
    def counts():
        return {
            **{kind: model.objects.count() for kind, model in MODELS.items()},
            "imports": ImportBatch.objects.count(),
            "audit": AuditEvent.objects.count(),
            "surveys": list(SurveyResult.objects.order_by("pk").values_list("pk", "score")),
        }

    before = counts()
    output = StringIO()
    call_command("seed_demo", stdout=output)
    assert counts() == before
    for label in operations.LABELS.values():
        assert f"Demo {label} already imported" in output.getvalue()


# What the data looks like -------------------------------------------------------------


def test_efficiency_holds_the_measures_of_each_position_by_week(seed_output):
    measures = {
        "courier": {"pickups", "deliveries", "exceptions", "items_handled"},
        "customer_service": {"queries", "exceptions"},
        "station_staff": {"items_handled", "exceptions"},
    }
    names = ("pickups", "deliveries", "queries", "exceptions", "items_handled")
    periods = defaultdict(list)
    for record in EfficiencyRecord.objects.select_related("user__profile"):
        position = POSITIONS[record.user.username]
        assert {name for name in names if getattr(record, name) is not None} == measures[
            position
        ], record
        # A week at most, inside one quarter; on time never more than the total.
        start, end = record.period_start, record.period_end
        profile = record.user.profile
        assert start <= end and (end - start).days <= 6
        assert operations.quarter_start(start) == operations.quarter_start(end)
        assert start.weekday() == 0 or start in (
            operations.quarter_start(start),
            profile.hire_date,
        )
        assert end.weekday() == 6 or end in (operations.quarter_end(end), profile.left_on)
        periods[record.user_id].append((start, end))
        if position == "courier":  # a courier delivers 80 to 150 parcels a working day
            days = sum(
                1 for n in range((end - start).days + 1)
                if (start + datetime.timedelta(days=n)).weekday() != 6
            )  # fmt: skip
            assert 70 * days <= record.deliveries <= 170 * days, record
            assert record.items_handled == record.pickups + record.deliveries
    for spans in periods.values():  # no day counted twice
        spans.sort()
        assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))
    for position in ("manager", "trainer", "hr"):
        people = [n for n, p in POSITIONS.items() if p == position]
        assert not EfficiencyRecord.objects.filter(user__username__in=people).exists()
    assert not EfficiencyRecord.objects.filter(pickups_on_time__gt=F("pickups")).exists()


def test_surveys_complaints_and_evaluations_look_real(seed_output):
    surveys = SurveyResult.objects.all()
    assert set(surveys.values_list("source", flat=True)) == {
        "questionnaire", "phone", "online", "mystery_shopper"
    }  # fmt: skip
    assert set(surveys.values_list("scale", flat=True)) == {"1-5", "0-10", "percent"}
    comments = [c for c in surveys.values_list("comment", flat=True) if c]
    assert len(comments) > 0.2 * surveys.count()
    assert all(re.search(r"[\u4e00-\u9fff]", comment) for comment in comments)
    per_person = surveys.values("user").annotate(n=Count("pk")).values_list("n", flat=True)
    assert max(per_person) <= 2 * 9  # a handful a quarter
    assert not surveys.filter(scale="1-5", score__gt=5).exists()
    complaints = Complaint.objects.all()
    assert len(set(complaints.values_list("category", flat=True))) >= 3
    assert not complaints.filter(first_contact_at__lt=F("received_at")).exists()
    assert not complaints.filter(resolved_at__lt=F("first_contact_at")).exists()
    # Team projects by the station managers, cases by the trainers, all demo staff.
    evaluators = set(TeamworkEvaluation.objects.values_list("evaluator", flat=True))
    bosses = {NAMES[n] for n, p in POSITIONS.items() if p in ("manager", "trainer")}
    assert evaluators <= bosses and len(evaluators) >= 5
    assert set(TeamworkEvaluation.objects.values_list("source", flat=True)) == {
        "team_project", "communication_case"
    }  # fmt: skip


def _people_with(model) -> set[str]:
    return set(model.objects.values_list("user__username", flat=True))


def test_the_spread_from_excellent_to_struggling_with_gaps(seed_output):
    frontline = {
        n for n, p in POSITIONS.items() if p in operations.FRONTLINE and n != LEAVERS[0][0]
    }
    surveyed = _people_with(SurveyResult)
    measured = _people_with(EfficiencyRecord)
    evaluated = _people_with(TeamworkEvaluation)
    # Some have no survey at all, but the rest of their data.
    no_survey = (frontline & measured) - surveyed
    assert {"E1014", "E1032"} <= no_survey
    assert (frontline & surveyed) - measured >= {"E1031"}  # no efficiency rows
    assert (frontline & surveyed & measured) - evaluated >= {"E1011", "E1028"}  # no teamwork
    # Complaints the company was at fault for, and some answered after 24 hours.
    at_fault = Complaint.objects.filter(company_at_fault=True)
    assert at_fault.values("user").distinct().count() >= 3
    # The late first replies are their handlers' (manual 4.3.1): 李娜 (E1006) at 浦东 and
    # 秦嘉怡 (E1021) at 天河 answer late; a few complaints name no handler at all.
    late = Complaint.objects.filter(
        first_contact_at__gt=F("received_at") + datetime.timedelta(hours=24)
    )
    assert {"E1006", "E1021"} <= set(late.values_list("handler__username", flat=True))
    handlers = Complaint.objects.filter(handler__isnull=False).select_related(
        "handler__profile", "user__profile"
    )
    assert handlers.count() > Complaint.objects.filter(handler__isnull=True).count() > 0
    for complaint in handlers:
        assert complaint.handler != complaint.user
        assert complaint.handler.profile.position in ("customer_service", "trainer")
    # Exceptions: both halves of manual 3.1.5, a solution never more than a contact.
    solved = EfficiencyRecord.objects.filter(exceptions_solved__isnull=False)
    assert solved.exists()
    assert not solved.filter(exceptions_solved__gt=F("exceptions_on_time")).exists()

    # The demo learner looks good; the struggling look it.
    def survey_mean(number):
        scores = SurveyResult.objects.filter(user__username=number).values_list("score", "scale")
        return sum(share(score, scale) for score, scale in scores) / len(scores)

    def on_time(number, part, total):
        rows = EfficiencyRecord.objects.filter(user__username=number)
        return sum(getattr(r, part) for r in rows) / sum(getattr(r, total) for r in rows)

    assert survey_mean("E1001") >= 88
    assert not at_fault.filter(user__username="E1001").exists()
    assert on_time("E1001", "deliveries_on_time", "deliveries") >= 0.99
    for struggling in ("E1004", "E1017"):
        assert survey_mean(struggling) < survey_mean("E1001") - 15
        assert on_time(struggling, "deliveries_on_time", "deliveries") < 0.95
        assert at_fault.filter(user__username=struggling).exists()
    assert (
        on_time("E1021", "queries_on_time", "queries")
        < on_time("E1019", "queries_on_time", "queries") - 0.1
    )


def test_generation_depends_on_the_day_only_through_what_is_over():
    people = operations.demo_people()

    def on(day):
        midnight = datetime.datetime.combine(day, datetime.time())
        return operations.generate(people, operations.seed_windows(day), midnight)

    day = datetime.date(2026, 11, 27)
    assert on(day) == on(day)
    later = on(day + datetime.timedelta(days=10))
    for kind in ("surveys", "efficiency", "teamwork"):
        rows = on(day).rows(kind)
        assert all(row in later.rows(kind) for row in rows), kind
        assert len(later.rows(kind)) > len(rows), kind
    # Complaints only get their answers and resolutions.
    earlier = {row["reference"]: row for row in on(day).complaints}
    for row in later.complaints:
        if row["reference"] in earlier:
            old = earlier[row["reference"]]
            for key, value in old.items():
                assert value in (row[key], None, ""), (key, old, row)


# The example files --------------------------------------------------------------------


def readme_tables() -> tuple[set[str], dict[str, set[tuple[int, str, str]]]]:
    """The files the README describes, and the problems it lists for each broken file."""
    text = README.read_text()
    described = set(re.findall(r"^\| `([^`]+)` \|", text, re.MULTILINE))
    problems = {}
    for name, table in re.findall(r"^### `([^`]+)`\n(.*?)(?=^#|\Z)", text, re.M | re.S):
        rows = re.findall(r"^\| (\d+) \| ([^|]*?) *\| `(\w+)` \|", table, re.MULTILINE)
        problems[name] = {(int(line), column, code) for line, column, code in rows}
    return described, problems


def test_the_committed_examples_are_what_the_generator_writes(tmp_path):
    written = {path.name: path.read_bytes() for path in operations.write_examples(tmp_path)}
    committed = {
        path.name: path.read_bytes()
        for path in operations.DATA.iterdir()
        if path.suffix in (".csv", ".xlsx")
    }
    assert written == committed, "run python -m assessments.demo.operations --write"
    assert all(len(content) < 64 * 1024 for content in committed.values())
    described, problems = readme_tables()
    assert described == set(committed)
    assert set(problems) == {name for name in committed if "with-errors" in name}


def kind_of(name: str) -> str:
    return re.match(r"[a-z]+", name).group()


GOOD = sorted(
    p.name
    for p in operations.DATA.iterdir()
    if p.suffix in (".csv", ".xlsx") and "errors" not in p.name
)
BROKEN = sorted(p.name for p in operations.DATA.iterdir() if "with-errors" in p.name)


@pytest.mark.parametrize("name", GOOD)
def test_a_good_example_imports_cleanly_against_the_demo_staff(seed_output, name):
    content = (operations.DATA / name).read_bytes()
    _batch, outcome = importing.import_file(
        kind=kind_of(name), name=name, stream=io.BytesIO(content), dry_run=True
    )
    assert outcome.ok, [problem.message for problem in outcome.problems]
    assert outcome.rows >= 20 and outcome.rejected == 0
    if kind_of(name) == "roster":  # the demo staff as they are
        assert outcome.unchanged == outcome.rows and outcome.left == 0


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_example_is_refused_with_the_problems_its_readme_lists(seed_output, name):
    _described, listed = readme_tables()
    content = (operations.DATA / name).read_bytes()
    kind = kind_of(name)
    before = MODELS[kind].objects.count()
    batch, outcome = importing.import_file(kind=kind, name=name, stream=io.BytesIO(content))
    found = {(problem.line, problem.column, problem.code) for problem in outcome.problems}
    assert found == listed[name]
    assert outcome.problem_count == len(listed[name]) == outcome.rejected
    assert batch.state == ImportState.REJECTED and MODELS[kind].objects.count() == before
