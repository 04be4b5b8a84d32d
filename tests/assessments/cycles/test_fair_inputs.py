# ruff: noqa: RUF001 (full-width punctuation in the Chinese texts, on purpose)
"""What a cycle reads for issue 20's fair scoring (assessments/cycles/inputs.py and compute):
complaints charged to their handler, "awaiting reply" by the cycle's clock, only the drills
that feed teamwork (named, with their session and day), exceptions' two halves, and a
station's sorter certified without surveys."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from assessments.cycles import compute, storage
from assessments.models import (
    AssessmentResult,
    Complaint,
    EfficiencyRecord,
    SurveyResult,
    TeamworkEvaluation,
)
from assessments.scoring.explain import explain
from courses.models import DrillPage
from courses.models.live import DrillEvaluation, DrillFeeds, SessionKind
from tests.factories import drill, make_cycle, make_session

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def at(day, hour=9, minute=0):
    return datetime.datetime(2026, 10, day, hour, minute, tzinfo=UTC)


def complaint(reference, user, handler, received, contact, *, at_fault=False):
    return Complaint.objects.create(
        reference=reference,
        user=user,
        handler=handler,
        received_at=received,
        first_contact_at=contact,
        category="service",
        company_at_fault=at_fault,
    )


def test_the_late_reply_is_the_handlers_and_the_at_fault_penalty_the_couriers(people):
    cycle = make_cycle(days=30)  # October 2026, over by now
    courier, agent = people["learner"].user, people["colleague"].user
    for user in (courier, agent):
        TeamworkEvaluation.objects.create(
            user=user,
            date=datetime.date(2026, 10, 3),
            source="team_project",
            evaluator="林海峰",
            score=Decimal(18),
            max_score=Decimal(20),
        )
        SurveyResult.objects.create(
            user=user,
            reference=f"S-{user.pk}",
            date=datetime.date(2026, 10, 3),
            source="phone",
            score=Decimal(90),
            scale="percent",
        )
    complaint("C-1", courier, agent, at(5), at(6, 9, 1), at_fault=True)  # 24 h 1 min: late
    complaint("C-2", courier, agent, at(7), at(8, 9), at_fault=False)  # exactly 24 h
    complaint("C-3", courier, None, at(9), None, at_fault=False)  # nobody: said so
    complaint("C-4", courier, agent, at(29, 9), None)  # no reply by the month's end: late
    # received 8 hours before the period ended (04:00 on the 31st in Shanghai), no reply:
    # awaiting, though the cycle is computed long after
    complaint("C-5", courier, agent, at(30, 20), None)
    compute.cycle_compute(cycle)
    mine = AssessmentResult.objects.get(cycle=cycle, user=courier)
    theirs = AssessmentResult.objects.get(cycle=cycle, user=agent)
    assert mine.satisfaction == Decimal(85)  # 90 - 5 (service, at fault)
    assert theirs.satisfaction == Decimal(86)  # 90 - 2 x 2: C-1 and C-4 late
    handled = theirs.explanation["satisfaction"]["handled"]
    assert (handled["count"], handled["late"], handled["awaiting"]) == (4, 2, 1)
    lines = mine.explanation["satisfaction"]["complaints"]
    assert [(c["reference"], c.get("no_handler", False)) for c in lines] == [
        ("C-1", False),
        ("C-3", True),
    ]


def test_an_open_cycle_counts_24_hours_to_the_computation(people, monkeypatch):
    cycle = make_cycle(days=90)
    courier, agent = people["learner"].user, people["colleague"].user
    now = at(20, 12)
    complaint("C-1", courier, agent, now - datetime.timedelta(hours=23), None)
    complaint("C-2", courier, agent, now - datetime.timedelta(hours=25), None)
    monkeypatch.setattr(timezone, "now", lambda: now)
    assert storage.clock(cycle, now) == now
    compute.cycle_compute(cycle)
    handled = AssessmentResult.objects.get(cycle=cycle, user=agent).explanation["satisfaction"][
        "handled"
    ]
    assert [(c["reference"], c["reply"]) for c in handled["complaints"]] == [
        ("C-1", "awaiting"),
        ("C-2", "late"),
    ]


def test_only_drills_that_feed_teamwork_count_there_named_with_their_session(people, index):
    cycle = make_cycle(days=90)
    admin = people["admin"].user
    trainer = people["trainer"]
    complaint_call = drill(index.get_parent(), "电话投诉：情绪激动的客户", publish_by=admin)
    fire = drill(index.get_parent(), "晚班分拣中心火警", publish_by=admin)
    DrillPage.objects.filter(pk=fire.pk).update(module="emergency")
    teamwork = drill(index.get_parent(), "团队协作沟通演练", publish_by=admin)
    DrillPage.objects.filter(pk=teamwork.pk).update(module="teamwork")
    DrillPage.objects.filter(pk=complaint_call.pk).update(feeds_part=DrillFeeds.TEAMWORK)
    for page in (complaint_call, fire, teamwork):
        page.refresh_from_db()
    assert (complaint_call.feeds, fire.feeds, teamwork.feeds) == ("teamwork", "none", "teamwork")
    learner = people["learner"].user
    for page, title, day, percent in (
        (complaint_call, "投诉处理实战演练（浦东）", 12, 80),
        (fire, "晚班火警应急演练（西湖）", 13, 40),
        (teamwork, "团队协作沟通演练", 14, 90),
    ):
        session = make_session(
            trainer,
            starts_at=at(day, 1),  # 09:00 in Shanghai
            kind=SessionKind.DRILL,
            title=title,
            drill=page,
            rubric_version=page.rubric_versions.get(),
        )
        DrillEvaluation.objects.create(
            session=session,
            user=learner,
            rubric_version=session.rubric_version,
            percent=Decimal(percent),
        )
    compute.cycle_compute(cycle)
    result = AssessmentResult.objects.get(cycle=cycle, user=learner)
    assert result.teamwork == Decimal(85)  # the fire drill's 40 left out
    with translation.override("zh-hans"):
        [teamwork_part] = [p for p in explain(result, cycle.policy.policy) if p.part == "teamwork"]
    texts = [line.text for line in teamwork_part.lines]
    assert "《团队协作沟通演练》（2026年10月14日场次）：90 分（满分 100 分）" in texts
    assert (
        "《电话投诉：情绪激动的客户》（“投诉处理实战演练（浦东）”，2026年10月12日场次）："
        "80 分（满分 100 分）"
    ) in texts
    assert not any("火警" in text for text in texts)


def test_a_sorter_without_surveys_can_be_certified_and_exceptions_have_two_halves(people):
    sorter = people["xihu"]
    sorter.position = "station_staff"
    sorter.save(update_fields=["position"])
    cycle = make_cycle(days=90)
    EfficiencyRecord.objects.create(
        user=sorter.user,
        period_start=datetime.date(2026, 10, 5),
        period_end=datetime.date(2026, 10, 11),
        items_handled=10000,
        errors=1,
        exceptions=20,
        exceptions_on_time=19,
        exceptions_solved=19,
    )
    EfficiencyRecord.objects.create(  # an older file, without the solutions column
        user=sorter.user,
        period_start=datetime.date(2026, 10, 12),
        period_end=datetime.date(2026, 10, 18),
        items_handled=10000,
        errors=0,
        exceptions=10,
        exceptions_on_time=10,
    )
    TeamworkEvaluation.objects.create(
        user=sorter.user,
        date=datetime.date(2026, 10, 3),
        source="team_project",
        evaluator="林海峰",
        score=Decimal(18),
        max_score=Decimal(20),
    )
    compute.cycle_compute(cycle)  # no quiz required: knowledge is "no data"
    result = AssessmentResult.objects.get(cycle=cycle, user=sorter.user)
    assert result.satisfaction is None
    assert result.explanation["satisfaction"]["not_applicable"]
    assert "no_satisfaction" not in result.reasons
    assert result.reasons == ["no_knowledge"]  # knowledge still applies
    measures = {m["measure"]: m for m in result.explanation["efficiency"]["measures"]}
    assert (measures["exceptions"]["numerator"], measures["exceptions"]["denominator"]) == (29, 30)
    assert (measures["solutions"]["numerator"], measures["solutions"]["denominator"]) == (19, 20)
