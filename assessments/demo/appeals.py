# ruff: noqa: RUF001 (full-width punctuation in the Chinese texts, on purpose)
"""The demo's appeals: two demo couriers question a part of their result in a computed cycle,
and the demo HR officer (H0001) answers one of them; through the services, as people would.

    seed_demo_appeals(cycle, stdout)   # seed_demo, once the current cycle is computed

The answered one is a real correction: a phone follow-up scored 1 of 10 was imported under
the demo learner (E1001) though a colleague (E1002) delivered that parcel; she questions her
satisfaction, HR imports the corrected row (the survey now under E1002), recomputes the cycle
and answers: the appeal shows her score before and after.

Running it again adds nothing: a person who has questioned the part already is left alone.
"""

from __future__ import annotations

import datetime
import io

from django.utils import timezone

from assessments.cycles.compute import cycle_compute
from assessments.cycles.services import appeal_answer, appeal_raise
from assessments.models.appeals import Appeal, AppealState
from assessments.models.cycles import AssessmentCycle, AssessmentResult, CycleState
from lms.models.accounts import User

HR_USER = "H0001"
# HR's answer to an appeal still open when the demo's quarter closes.
CLOSING_ANSWER = "已核对原始数据，本季度成绩无误，维持原结果。"
# (employee number, part, question, HR's answer or "" to leave it open); "{day}" is the day
# of the misattributed survey (MISATTRIBUTED).
APPEALS = [
    (
        "E1001",
        "satisfaction",
        "{day}有一条电话回访的评分只有 1 分，那天的件不是我派送的，请核实。",
        "已核实：该回访对应的运单由同站其他快递员派送，已在导入数据中更正并重新计算。",
    ),
    (
        "E1002",
        "knowledge",
        "本季度业务知识测评那天系统断线，提交没有成功，能否重新安排一次？",
        "",
    ),
]


# The survey imported under the wrong courier: (reference, who it was put under, whose parcel
# it was), a phone follow-up scored 1 of 10 on the tenth day of the cycle (or yesterday).
MISATTRIBUTED = ("MY-DEMO-APPEAL-0001", "E1001", "E1002")


def _survey_file(number: str, day: datetime.date) -> bytes:
    from assessments.demo.operations import csv_file

    row = {
        "reference": MISATTRIBUTED[0],
        "employee_number": number,
        "date": day,
        "source": "phone",
        "score": 1,
        "scale": "0-10",
        "comment": "派送员没有打电话，包裹放在门口。",
    }
    return csv_file("surveys", [row], language="zh", encoding="utf-8-sig")


def _import_survey(number: str, day: datetime.date, by) -> None:
    from assessments.imports import importing

    _batch, outcome = importing.import_file(
        kind="surveys",
        name=f"surveys-correction-{MISATTRIBUTED[0]}.csv",
        stream=io.BytesIO(_survey_file(number, day)),
        by=by,
    )
    if not outcome.ok:
        problems = "; ".join(p.message for p in outcome.problems[:3])
        raise RuntimeError(f"The demo appeal's survey could not be imported: {problems}")


def _misattributed_day(cycle: AssessmentCycle) -> datetime.date | None:
    """The day of the misattributed survey: within the cycle and over by now."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    day = min(cycle.starts_on + datetime.timedelta(days=9), yesterday, cycle.ends_on)
    return day if day >= cycle.starts_on else None


def seed_demo_appeals(cycle: AssessmentCycle, stdout=None) -> int:
    """Raise the demo appeals in `cycle` (computed, not finalised); the number added."""

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message)

    if cycle.state != CycleState.COMPUTED:
        say(f"Appeals: skipped, cycle {cycle.name} is {cycle.state}.")
        return 0
    hr = User.objects.filter(username=HR_USER).first()
    wrong, right = MISATTRIBUTED[1:]
    numbers = [a[0] for a in APPEALS] + [right]
    users = {u.username: u for u in User.objects.filter(username__in=numbers)}
    with_result = set(
        AssessmentResult.objects.filter(cycle=cycle, user__in=users.values()).values_list(
            "user__username", flat=True
        )
    )
    day = _misattributed_day(cycle)
    added = 0
    for number, part, question, answer in APPEALS:
        user = users.get(number)
        if user is None or number not in with_result:
            continue
        if Appeal.objects.filter(cycle=cycle, user=user, part=part).exists():
            continue
        # The wrong survey, as it was imported before she noticed it.
        correct = number == wrong and right in users and day is not None and hr is not None
        if correct:
            _import_survey(wrong, day, hr)
            cycle_compute(cycle)
        when = f"{day.month} 月 {day.day} 日" if day else "本季度"
        appeal = appeal_raise(user=user, cycle=cycle, part=part, comment=question.format(day=when))
        added += 1
        if answer and hr is not None:
            if correct:  # HR corrects the data and computes the cycle again
                _import_survey(right, day, hr)
                cycle_compute(cycle)
            # (answered after the recomputation, so that the answer keeps the corrected
            # score; "recompute" asks for one more, which finds nothing new)
            appeal_answer(appeal=appeal, by=hr, answer=answer, recompute=correct)
    say(f"Appeals: {added} added in {cycle.name}.")
    return added


def answer_open_appeals(cycle: AssessmentCycle) -> int:
    """Answer the appeals still open in `cycle`, as the demo HR officer would before
    finalising it (a cycle with open appeals cannot be finalised); the number answered."""
    hr = User.objects.get(username=HR_USER)
    appeals = list(Appeal.objects.filter(cycle=cycle, state=AppealState.OPEN))
    for appeal in appeals:
        appeal_answer(appeal=appeal, by=hr, answer=CLOSING_ANSWER, recompute=False)
    return len(appeals)
