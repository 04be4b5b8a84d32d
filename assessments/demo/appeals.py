# ruff: noqa: RUF001 (full-width punctuation in the Chinese texts, on purpose)
"""The demo's appeals: two demo couriers question a part of their result in a computed cycle,
and the demo HR officer (H0001) answers one of them; through the services, as people would.

    seed_demo_appeals(cycle, stdout)   # seed_demo, once the current cycle is computed

Running it again adds nothing: a person who has questioned the part already is left alone.
"""

from __future__ import annotations

from assessments.cycles.services import appeal_answer, appeal_raise
from assessments.models.appeals import Appeal, AppealState
from assessments.models.cycles import AssessmentCycle, AssessmentResult, CycleState
from lms.models.accounts import User

HR_USER = "H0001"
# HR's answer to an appeal still open when the demo's quarter closes.
CLOSING_ANSWER = "已核对原始数据，本季度成绩无误，维持原结果。"
# (employee number, part, question, HR's answer or "" to leave it open)
APPEALS = [
    (
        "E1001",
        "satisfaction",
        "10 月有一条电话回访的评分只有 1 分，那天的件不是我派送的，请核实。",
        "已核实：该回访对应的运单由同站其他快递员派送，已在导入数据中更正并重新计算。",
    ),
    (
        "E1002",
        "knowledge",
        "本季度业务知识测评那天系统断线，提交没有成功，能否重新安排一次？",
        "",
    ),
]


def seed_demo_appeals(cycle: AssessmentCycle, stdout=None) -> int:
    """Raise the demo appeals in `cycle` (computed, not finalised); the number added."""

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message)

    if cycle.state != CycleState.COMPUTED:
        say(f"Appeals: skipped, cycle {cycle.name} is {cycle.state}.")
        return 0
    hr = User.objects.filter(username=HR_USER).first()
    users = {u.username: u for u in User.objects.filter(username__in=[a[0] for a in APPEALS])}
    with_result = set(
        AssessmentResult.objects.filter(cycle=cycle, user__in=users.values()).values_list(
            "user__username", flat=True
        )
    )
    added = 0
    for number, part, question, answer in APPEALS:
        user = users.get(number)
        if user is None or number not in with_result:
            continue
        if Appeal.objects.filter(cycle=cycle, user=user, part=part).exists():
            continue
        appeal = appeal_raise(user=user, cycle=cycle, part=part, comment=question)
        added += 1
        if answer and hr is not None:
            appeal_answer(appeal=appeal, by=hr, answer=answer, recompute=False)
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
