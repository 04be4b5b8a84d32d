"""The cycle dashboard's reads: who reads which cycle and result, and the pure sums."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from assessments.cycles import dashboard, export, permissions, selectors
from assessments.cycles.dashboard import Row, Tree, Unit
from assessments.models import AssessmentCycle, CycleState
from assessments.scoring import arithmetic
from lms.roles import Role
from tests.factories import computed_result, decimal_or_none, make_cycle, save_results

pytestmark = pytest.mark.usefixtures("english")


# Pure sums ---------------------------------------------------------------------------------------


def row(number, scores=(80, 80, 80, 80, 80), *, unit_id=None, grade="good", eligible=True):
    return Row(
        user_id=int(number[1:]),
        employee_number=number,
        name=f"员工{number}",
        unit_id=unit_id,
        unit_name="",
        position="courier",
        scores=tuple(decimal_or_none(v) for v in scores),
        grade=grade,
        eligible=eligible,
    )


TREE = Tree.of(
    [
        Unit(1, "0001", "测试快递", "company"),
        Unit(2, "00010001", "华东区", "region"),
        Unit(3, "000100010001", "浦东站", "station"),
        Unit(4, "0001000100010001", "浦东收派组", "team"),
        Unit(5, "000100010002", "西湖站", "station"),
    ]
)


def test_each_part_has_its_count_mean_median_and_no_data():
    rows = [
        row("T1", (90, None, 70, 60, "72.5")),
        row("T2", (81, 75, None, 60, 70)),
        row("T3", (70, None, None, 61, 65)),
        row("T4", (60, 75, None, 62, 100)),
    ]
    stats = {s.part: s for s in dashboard.part_stats(rows)}
    assert [s.part for s in dashboard.part_stats(rows)] == [*arithmetic.PARTS, "overall"]
    knowledge = stats["knowledge"]
    assert (knowledge.count, knowledge.no_data) == (4, 0)
    assert knowledge.mean == Decimal("75.3")  # 301 / 4 = 75.25, half up
    assert knowledge.median == Decimal("75.5")  # (70 + 81) / 2
    assert (stats["satisfaction"].count, stats["satisfaction"].no_data) == (2, 2)
    assert stats["efficiency"].median == Decimal("70.0")
    assert stats["teamwork"].mean == Decimal("60.8")  # 243 / 4 = 60.75
    assert stats["overall"].median == Decimal("71.3")  # (70 + 72.5) / 2 = 71.25
    empty = dashboard.part_stats([])
    assert all(s.count == 0 and s.mean is None and s.median is None for s in empty)


def test_grades_count_every_band_and_the_people_without_a_grade():
    rows = [
        row("T1", grade="excellent"),
        row("T2", grade="good"),
        row("T3", grade="good", eligible=False),
        row("T4", grade="fail", eligible=False),
        row("T5", (None,) * 5, grade="", eligible=False),
    ]
    counts = dashboard.grade_counts(rows)
    assert counts.grades == (("excellent", 1), ("good", 2), ("pass", 0), ("fail", 1), ("", 1))
    assert (counts.eligible, counts.people) == (2, 5)


def test_people_are_grouped_under_their_unit_at_the_chosen_level():
    assert TREE.group(4, "station").name == "浦东站"  # a team counts in its station
    assert TREE.group(3, "station").name == "浦东站"
    assert TREE.group(4, "region").name == "华东区"
    assert TREE.group(2, "station").name == "华东区"  # above the level: the unit itself
    assert TREE.group(None, "station") is None
    assert TREE.full_name(4) == "测试快递 / 华东区 / 浦东站 / 浦东收派组"
    assert TREE.full_name(None) == ""


def test_averages_by_unit_are_means_of_the_scores_present_in_tree_order():
    rows = [
        row("T1", (90, 80, None, 70, 85), unit_id=5),
        row("T2", (80, None, None, 70, 75), unit_id=4),
        row("T3", (70, 60, None, 71, 65), unit_id=3),
        row("T4", (50, 50, 50, 50, 50), unit_id=2),
        row("T5", (40, 40, 40, 40, 40)),
    ]
    averages = dashboard.unit_averages(rows, TREE, "station")
    assert [(a.label, a.people) for a in averages] == [
        ("华东区 itself", 1),
        ("浦东站", 2),
        ("西湖站", 1),
        ("No org unit", 1),
    ]
    pudong = averages[1]
    assert pudong.means == (
        Decimal("75.0"),
        Decimal("60.0"),
        None,
        Decimal("70.5"),
        Decimal("70.0"),
    )
    assert pudong.cells[2] == ("Work efficiency", None)
    assert [a.label for a in dashboard.unit_averages(rows, TREE, "team")][:3] == [
        "华东区 itself",
        "浦东站 itself",
        "浦东收派组",
    ]


def test_the_largest_rises_and_falls_need_both_overall_scores():
    rows = [row(f"T{n}", (80,) * 4 + (50 + n,)) for n in range(1, 31)]
    rows.append(row("T99", (None,) * 5))
    previous = {n: Decimal(60) for n in range(1, 31)}
    previous[5] = None  # no overall then: not compared
    previous[99] = Decimal(70)
    rises, falls = dashboard.changes(rows, previous, limit=20)
    assert len(rises) == 20 and rises[0].row.employee_number == "T30"
    assert (rises[0].previous, rises[0].current, rises[0].change) == (
        Decimal(60),
        Decimal(80),
        Decimal(20),
    )
    assert all(c.change > 0 for c in rises)
    # T1..T9 fell (T5 is not compared), T10 did not move
    assert [c.row.employee_number for c in falls] == [
        "T1",
        "T2",
        "T3",
        "T4",
        "T6",
        "T7",
        "T8",
        "T9",
    ]
    assert dashboard.changes(rows, {}) == ([], [])


def test_people_with_missing_data_say_which_parts_lack_it():
    rows = [row("T2", (80, None, None, 80, 80)), row("T1"), row("T3", (None,) * 5)]
    missing = dashboard.missing_data(rows)
    assert [r.employee_number for r in missing] == ["T2", "T3"]
    assert missing[0].missing == ("satisfaction", "efficiency")
    assert missing[1].missing == arithmetic.PARTS


def test_a_part_that_does_not_apply_to_the_position_is_not_missing_data():
    """A sorter's satisfaction has no score because it does not apply: no "no data" there."""
    sorter = dataclasses.replace(row("S1", (80, None, 80, 80, 80)), reasons=())
    agent = dataclasses.replace(
        row("S2", (80, None, 80, 80, 80), eligible=False), reasons=("no_satisfaction",)
    )
    assert sorter.missing == () and agent.missing == ("satisfaction",)
    assert [r.employee_number for r in dashboard.missing_data([sorter, agent])] == ["S2"]


def test_the_export_reads_the_key_inputs_of_an_explanation():
    now = datetime.datetime(2026, 10, 5, 9, tzinfo=datetime.UTC)
    person = arithmetic.Person(
        position="courier",
        quizzes=(
            arithmetic.RequiredQuiz(
                1, "测验一", Decimal(1), (arithmetic.QuizAttempt(7, now, Decimal(80)),)
            ),
            arithmetic.RequiredQuiz(2, "测验二", Decimal(1), ()),
        ),
        surveys=(
            arithmetic.Survey("S1", "phone", "1-5", Decimal(5)),
            arithmetic.Survey("S2", "online", "percent", Decimal(90)),
        ),
        complaints=(
            arithmetic.Complaint("C1", "service", True, now, None),
            arithmetic.Complaint("C2", "other", False, now, None),  # listed: nobody handled it
        ),
        handled=(arithmetic.Complaint("C3", "other", False, now, None, "1"),),
        efficiency=(
            arithmetic.EfficiencyRow(
                datetime.date(2026, 10, 1),
                {"pickups": 100, "pickups_on_time": 96, "errors": 1, "items_handled": 400},
            ),
        ),
        evaluations=(arithmetic.Evaluation("drill", "D1", Decimal(8), Decimal(10)),),
    )
    assessed = arithmetic.assess(person, as_of=now + datetime.timedelta(hours=30))
    explanation = {name: part.explanation for name, part in assessed.parts.items()}
    cells = export.explanation_inputs(explanation)
    headers = export.export_headers()
    assert len(cells) == len(headers) - headers.index("Required quizzes")
    # (100 + 90) / 2; one complaint at fault: service 5; and C3, handled, late: 2
    assert cells[:6] == [2, 1, 2, 95.0, 1, 7.0]
    assert cells[6:8] == [96, 100]  # pick-ups on time, pick-ups
    assert cells[8:12] == [0, 0, None, None]  # no deliveries yet; queries do not apply
    # no exceptions (contacted, offered a solution); errors, items handled
    assert cells[12:18] == [0, 0, 0, 0, 1, 400]
    assert cells[-1] == 1
    assert export.explanation_inputs({})[:2] == [0, 0]


# Who reads what ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_hr_reads_every_cycle_and_result_and_trainers_only_theirs(people):
    draft = make_cycle(
        "草稿", starts_on=datetime.date(2027, 1, 1), days=89, state=CycleState.DRAFT
    )
    cycle = make_cycle(days=89, state=CycleState.COMPUTED, computed_at=timezone.now())
    save_results(*(computed_result(cycle, p) for p in people.values()))
    hr, trainer, learner = (people[w].user for w in ("hr", "trainer", "learner"))

    assert set(permissions.cycles_visible_to(hr)) == {draft, cycle}
    assert list(permissions.cycles_visible_to(trainer)) == [cycle]
    assert permissions.cycles_visible_to(trainer)[0].result_count == 4
    assert not permissions.cycles_visible_to(learner).exists()

    assert permissions.dashboard_results(hr).count() == len(people)
    seen = set(permissions.dashboard_results(trainer).values_list("user__username", flat=True))
    assert seen == {"L001", "L002", "L003", "TR01"}  # the east, and the trainer
    assert not permissions.dashboard_results(learner).exists()

    assert permissions.readable_cycle(hr, draft.pk) == draft
    with pytest.raises(Http404):
        permissions.readable_cycle(trainer, draft.pk)
    with pytest.raises(PermissionDenied):
        permissions.readable_cycle(learner, cycle.pk)
    with pytest.raises(Http404):
        permissions.readable_cycle(hr, cycle.pk + 100)


@pytest.mark.django_db
def test_a_lead_trainer_reads_like_a_trainer(org, make_staff):
    lead = make_staff(
        "east", roles=[Role.TRAINER, Role.LEAD_TRAINER], position="trainer", number="LT01"
    )
    lead.user.profile.trainer_units.add(org["xihu"])
    xihu = make_staff("xihu", number="X001")
    south = make_staff("tianhe", number="S001")
    cycle = make_cycle(days=89, state=CycleState.COMPUTED, computed_at=timezone.now())
    save_results(computed_result(cycle, xihu), computed_result(cycle, south))
    assert permissions.readable_cycle(lead.user, cycle.pk) == cycle
    assert list(permissions.dashboard_results(lead.user).values_list("user_id", flat=True)) == [
        xihu.user_id
    ]


@pytest.mark.django_db
def test_the_previous_cycle_is_the_last_computed_one_that_started_before():
    q3 = make_cycle(
        "第三季度",
        starts_on=datetime.date(2026, 7, 1),
        days=89,
        state=CycleState.FINALISED,
        computed_at=timezone.now(),
    )
    make_cycle(
        "第二季度",
        starts_on=datetime.date(2026, 4, 1),
        days=89,
        state=CycleState.COMPUTED,
        computed_at=timezone.now(),
    )
    make_cycle("八月草稿", starts_on=datetime.date(2026, 8, 1), days=89, state=CycleState.DRAFT)
    q4 = make_cycle(days=89, state=CycleState.COMPUTED, computed_at=timezone.now())
    make_cycle(
        "2027",
        starts_on=datetime.date(2027, 1, 1),
        days=89,
        state=CycleState.COMPUTED,
        computed_at=timezone.now(),
    )
    assert selectors.previous_cycle(q4) == q3
    assert selectors.previous_cycle(AssessmentCycle.objects.get(name="第二季度")) is None
