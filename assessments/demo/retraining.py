# Chinese text is written with its own full-width punctuation.
# ruff: noqa: RUF001
"""The demo's loop back to training: two retraining rules, written through the service as HR
and the east's lead trainer would write them, and the courses they gave for the demo's
complaints and its finalised quarter.

    load_demo_retraining(stdout)   # seed_demo, after the cycles

Written once (by name): a second run changes nothing, and each cause is answered once.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from assessments.demo.operations import DAY, HR_USER, quarter_start
from assessments.models.retraining import RetrainingCause, RetrainingRule, RetrainingTrigger
from assessments.retraining.services import RuleInput, rule_create
from courses.models.pages import CoursePage, LessonPage
from lms.models.accounts import User
from lms.models.org import OrgUnit

LEAD_TRAINER = "T0001"

RULES = [
    {
        "name": "服务类有责投诉：重学客户服务知识",
        "by": HR_USER,
        "trigger": RetrainingTrigger.COMPLAINT,
        "complaint_category": "service",
        "course": "customer-service",
        "lesson": "service-attitude",
        "due_days": 14,
        "unit": None,
    },
    {
        "name": "华东区团队协作低于下限：团队协作与沟通",
        "by": LEAD_TRAINER,
        "trigger": RetrainingTrigger.LOW_PART,
        "part": "teamwork",
        "floor": None,  # the policy's
        "module": "teamwork",
        "due_days": 30,
        "unit": "east",
    },
]


def _course(spec: dict) -> CoursePage | None:
    courses = CoursePage.objects.live().order_by("path")
    if "course" in spec:
        return courses.filter(slug=spec["course"]).first()
    return courses.filter(module=spec["module"]).first()


def load_demo_retraining(stdout=None, today: datetime.date | None = None) -> dict[str, int]:
    """The demo's rules, applying from the start of the previous quarter; returns how many
    rules were written and how many courses they have given in all."""
    today = today or timezone.localdate()
    applies_from = quarter_start(quarter_start(today) - DAY)
    written = 0
    for spec in RULES:
        if RetrainingRule.objects.filter(name=spec["name"]).exists():
            continue
        by = User.objects.filter(username=spec["by"]).first()
        course = _course(spec)
        if by is None or course is None:
            _say(stdout, f"No author or course for the demo rule {spec['name']}: left out.")
            continue
        lesson = None
        if spec.get("lesson"):
            lesson = LessonPage.objects.child_of(course).filter(slug=spec["lesson"]).first()
        unit = OrgUnit.objects.filter(code=spec["unit"]).first() if spec["unit"] else None
        rule_create(
            data=RuleInput(
                name=spec["name"],
                trigger=spec["trigger"],
                complaint_category=spec.get("complaint_category", ""),
                part=spec.get("part", ""),
                floor=spec.get("floor"),
                course=course,
                focus_page=lesson,
                due_days=spec["due_days"],
                applies_from=applies_from,
                org_unit=unit,
            ),
            by=by,
        )
        written += 1
    given = RetrainingCause.objects.filter(rule__name__in=[s["name"] for s in RULES]).count()
    state = "loaded" if written else "already loaded"
    _say(stdout, f"Demo retraining rules {state}: {written} new rules, {given} courses given.")
    return {"rules": written, "given": given}


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)
