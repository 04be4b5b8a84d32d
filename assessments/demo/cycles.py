# ruff: noqa: RUF001 (full-width punctuation in the Chinese texts, on purpose)
"""The demo's assessment cycles: the previous quarter's, computed and finalised by HR, and
the current quarter's, computed and still open, so that every assessment page has content.

Loaded by `manage.py seed_demo` (`assessments.receivers`), after the demo quizzes and the
operational data (`operations`), which covers both quarters. Both cycles use the current
scoring policy (the complaint-call drill set to count toward teamwork first); each requires
its quarter's knowledge test, a quiz of the catalogue (beside
the end-of-onboarding exam) open from the quarter's first day to its last:

- in the previous quarter the assessed staff (the positions the policy measures) sat it,
  each as well as their level (`operations.PROFILES`) allows, with a retake after a fail;
  two missed it, so "not attempted, counts 0" shows and the results spread from excellent
  to fail;
- in the current quarter about four in five have sat it by yesterday (fewer in its first
  week), the others not yet.

Dated relative to the day of the run, like the rest of the demo; a second run changes
nothing: a finalised cycle is left alone, an existing current cycle is not recomputed (unless
the policy has a new version since: it moves to it) and a quarter's test, found by its slug,
is not made twice. Run in a later quarter, the cycle
that was current gets the missing attempts of its (now whole) quarter and is finalised.
"""

from __future__ import annotations

import datetime
import random
import zlib
from collections import Counter

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from assessments.cycles.compute import cycle_compute
from assessments.cycles.services import cycle_create, cycle_finalise
from assessments.demo.appeals import answer_open_appeals, seed_demo_appeals
from assessments.demo.operations import (
    DAY,
    HR_USER,
    PROFILES,
    Person,
    demo_people,
    quarter_end,
    quarter_name,
    quarter_start,
)
from assessments.demo.quizzes import (
    EXAM,
    LEARNER,
    Sitting,
    _at,
    _minutes,
    _publish,
    _quiz,
    _sit,
    _unit,
)
from assessments.models.bank import Question
from assessments.models.cycles import AssessmentCycle, AssessmentResult, CycleState
from assessments.models.quizzes import Attempt, QuizPage, ReviewPolicy
from assessments.scoring.selectors import policy_current
from lms.models.accounts import User

QUARTERS = "一二三四"

# The quarter's knowledge test: two questions from each module of the bank, none of them
# an essay (they grade themselves: no wait for a trainer). Slots as in `quizzes`.
QUARTERLY_SLUG = "quarterly-test-"  # + the quarter, e.g. quarterly-test-2026q3
QUARTERLY_TEST = {
    "intro": "<p>每季度一次的业务知识测评，成绩计入本季度考核的业务知识部分。"
    "共 10 题：五个培训模块各随机 2 题。限时 30 分钟，60 分及格，可作答 2 次，"
    "以最好的一次计分。本季度结束、测评关闭后公布答案和解析。</p>",
    "time_limit_minutes": 30,
    "attempts_allowed": 2,
    "pass_percent": 60,
    "review": ReviewPolicy.AFTER_CLOSE,
    "shuffle_questions": True,
    "shuffle_choices": True,
    "required_for_completion": False,
    "counts_toward_assessment": True,
    "slots": [
        ("draw", "公司文化及价值观/服务宗旨", 1),
        ("draw", "公司文化及价值观/服务目标", 1),
        ("draw", "客户服务知识", 2),
        ("draw", "业务流程与操作规范", 2),
        ("draw", "应急处理/安全设备", 1),
        ("draw", "应急处理/信息安全", 1),
        ("draw", "团队协作与沟通/培训与考核", 2),
    ],
}

# Who sits the quarter's test: in a whole quarter, all but the last MISSING in line (the
# demo learner first, the weaker late); in the current one, SITTING_SHARE of them by
# yesterday once its first week is over (a share of that before).
MISSING = 2
PUT_OFF = {"struggling": 0.5, "average": 0.15}  # moved back in the line, by level
SITTING_SHARE = 0.8
FIRST_WEEK = 7

# A learner's ability (see quizzes._chance) by level; anyone assessed without a profile
# knows the business fairly well.
ABILITY = {"excellent": 2.6, "good": 1.7, "average": 0.9, "struggling": 0.0}
ABILITY_WITHOUT_PROFILE = 1.7
# A retake comes a few days after a failed attempt, while the quiz allows one.
RETAKE_DAYS = (2, 6)


def cycle_name(day: datetime.date) -> str:
    """The name of the cycle of the quarter of `day`, as HR would write it."""
    return f"{day.year}年第{QUARTERS[(day.month - 1) // 3]}季度考核"


def quarterly_title(day: datetime.date) -> str:
    return f"{day.year}年第{QUARTERS[(day.month - 1) // 3]}季度业务知识测评"


def quarterly_slug(day: datetime.date) -> str:
    return QUARTERLY_SLUG + quarter_name(day).lower()


def quarterly_test(day: datetime.date) -> QuizPage | None:
    """The knowledge test of the quarter of `day`, if the demo made it."""
    return QuizPage.objects.filter(slug=quarterly_slug(day)).first()


def load_demo_cycles(stdout=None, today: datetime.date | None = None) -> dict[str, int]:
    """The previous quarter's cycle (finalised) and the current one (computed), once each,
    with their quarters' tests and the attempts at them. Returns what was made."""
    today = today or timezone.localdate()
    index = quiz_index()
    made = {"quizzes": 0, "attempts": 0, "cycles": 0}
    if index is None:
        _say(stdout, "No demo quizzes: demo assessment cycles not loaded.")
        return made
    hr = User.objects.filter(username=HR_USER).first()
    policy = policy_current()
    positions = {*policy.policy.position_measures, *policy.policy.position_parts}
    drills_feed_teamwork()
    current_start = quarter_start(today)
    previous_start = quarter_start(current_start - DAY)
    cycles = []
    with transaction.atomic():
        for start in (previous_start, current_start):
            cycle = AssessmentCycle.objects.filter(name=cycle_name(start)).first()
            past = start < current_start
            if cycle is not None and (not past or cycle.state == CycleState.FINALISED):
                if cycle.state != CycleState.FINALISED and cycle.policy_id != policy.pk:
                    # A new policy version since: the open cycle moves to it (a finalised
                    # one keeps the version it was computed with).
                    AssessmentCycle.objects.filter(pk=cycle.pk).update(policy=policy)
                    cycle.refresh_from_db()
                    cycle_compute(cycle)
                cycles.append(cycle)
                continue
            quiz = quarterly_test(start)
            if quiz is None:
                quiz = _quarterly_test_create(index, start)
                made["quizzes"] += 1
            made["attempts"] += quarter_attempts(quiz, positions, start, today)
            if cycle is None:
                cycle = cycle_create(
                    name=cycle_name(start),
                    starts_on=start,
                    ends_on=quarter_end(start),
                    policy=policy,
                    quizzes=[quiz],
                    by=hr,
                )
                made["cycles"] += 1
            cycle_compute(cycle)
            if past:
                answer_open_appeals(cycle)
                cycle = cycle_finalise(cycle, by=hr)
                _backdate(cycle, quarter_end(start))
            cycle.refresh_from_db()
            cycles.append(cycle)
        seed_demo_appeals(cycles[1], stdout=stdout)
    state = "loaded" if any(made.values()) else "already loaded"
    _say(
        stdout,
        f"Demo assessment cycles {state}: {_summary(cycles[0])}; {_summary(cycles[1])}; "
        f"{made['quizzes']} new quarterly tests, {made['attempts']} new attempts.",
    )
    return made


# The complaint-call drill is a communication case (manual 6.3.4): the lead trainer set it to
# count toward teamwork. The others count as their modules say: the fire-alarm drill
# (emergency handling) and the process drills toward no part of the assessment.
COMMUNICATION_DRILLS = ("angry-customer-complaint",)


def drills_feed_teamwork() -> int:
    """Set the communication drills to feed teamwork, in the page and its latest revision
    (what the editor shows), unless someone chose otherwise; the number changed."""
    from courses.models.live import DrillFeeds, DrillPage

    changed = 0
    for page in DrillPage.objects.filter(
        slug__in=COMMUNICATION_DRILLS, feeds_part=DrillFeeds.MODULE
    ):
        DrillPage.objects.filter(pk=page.pk).update(feeds_part=DrillFeeds.TEAMWORK)
        if (revision := page.latest_revision) is not None:
            revision.content["feeds_part"] = DrillFeeds.TEAMWORK.value
            revision.save(update_fields=["content"])
        changed += 1
    return changed


def quiz_index() -> Page | None:
    """Where the quarterly tests go: beside the end-of-onboarding exam, in the catalogue;
    None without the demo quizzes or question bank."""
    exam = QuizPage.objects.filter(slug=EXAM["slug"]).first()
    if exam is None or not Question.objects.exists():
        return None
    return exam.get_parent()


def _summary(cycle: AssessmentCycle) -> str:
    grades = Counter(AssessmentResult.objects.filter(cycle=cycle).values_list("grade", flat=True))
    counts = ", ".join(
        f"{grades[grade]} {grade or 'no data'}"
        for grade in ("excellent", "good", "pass", "fail", "")
        if grades[grade]
    )
    return f"{cycle.name} {cycle.state} ({counts})"


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


# The quarterly tests ------------------------------------------------------------------


def _quarterly_test_create(index: Page, start: datetime.date) -> QuizPage:
    """The quarter's test, open from its first day to its last, prepared the week before."""
    spec = {**QUARTERLY_TEST, "title": quarterly_title(start), "slug": quarterly_slug(start)}
    page = _quiz(spec, {}, timezone.now())
    page.opens_at = _at(start, 8)
    page.closes_at = _at(quarter_end(start), 22)
    quiz = _publish(index, page)
    published = _at(start - 7 * DAY, 10)
    if published < timezone.now():
        QuizPage.objects.filter(pk=quiz.pk).update(
            first_published_at=published,
            last_published_at=published,
            latest_revision_created_at=published,
        )
        quiz.revisions.update(created_at=published)
    return quiz


def quarter_attempts(
    quiz: QuizPage, positions: set[str], start: datetime.date, today: datetime.date
) -> int:
    """The attempts at the quarter's test, up to yesterday, of the assessed demo staff who
    have none yet (see `sitters`); a retake after a fail a few days later, if that day has
    come. Returns the attempts made."""
    end = quarter_end(start)
    last = min(end, today - DAY)
    people = {person.number: person for person in sitters(positions, start, last)}
    users = User.objects.filter(username__in=people).order_by("username")
    done = set(Attempt.objects.filter(quiz=quiz).values_list("user_id", flat=True))
    made = 0
    for user in users:
        person = people[user.username]
        days = _test_days(person, start, last)
        if user.pk in done or days is None:
            continue
        rng = random.Random(zlib.crc32(f"{user.username}/{quiz.slug}".encode()))
        day = days[0] + DAY * round(
            _unit(f"{user.username}/{start}/day") * (days[1] - days[0]).days
        )
        for _try in range(quiz.attempts_allowed):
            if day > days[1]:
                break
            begin = _at(day, rng.randint(9, 16), rng.randrange(0, 60, 5))
            sitting = Sitting("try", begin, begin + _minutes(rng.randint(10, 26)))
            made += 1
            if _sit(quiz, user, sitting, rng, _ability(user.username)).passed:
                break
            day += DAY * rng.randint(*RETAKE_DAYS)
    return made


def sitters(positions: set[str], start: datetime.date, last: datetime.date) -> list[Person]:
    """Who has sat the test of the quarter from `start` by `last`: of the demo staff of the
    assessed positions there then, in an order fixed by the quarter (the demo learner
    first), all but the last `MISSING` once the quarter is over, a share before."""
    end = quarter_end(start)
    staff = [
        person
        for person in demo_people()
        if person.position in positions
        and person.hired <= end
        and (person.left_on is None or person.left_on >= start)
    ]
    staff.sort(key=lambda p: (p.number != LEARNER, _line(p.number, start), p.number))
    if last >= end:
        return staff[: max(len(staff) - MISSING, 0)]
    elapsed = (last - start).days + 1
    share = SITTING_SHARE * min(max(elapsed, 0), FIRST_WEEK) / FIRST_WEEK
    return staff[: round(share * len(staff))]


def _line(number: str, start: datetime.date) -> float:
    """A place in the line for the quarter's test: the weaker put it off."""
    profile = PROFILES.get(number)
    return _unit(f"{number}/{start}") + (PUT_OFF.get(profile.level.name, 0) if profile else 0)


def _ability(username: str) -> float:
    profile = PROFILES.get(username)
    base = ABILITY[profile.level.name] if profile else ABILITY_WITHOUT_PROFILE
    return base + 0.5 * (_unit(f"{username}/knowledge") - 0.5)


def _test_days(
    person: Person, start: datetime.date, last: datetime.date
) -> tuple[datetime.date, datetime.date] | None:
    """The days on which someone may sit the quarter's test: from the quarter's first day
    (or the third after joining) to `last` (or the day before leaving)."""
    first = max(start, person.hired + 3 * DAY)
    if person.left_on is not None:
        last = min(last, person.left_on - DAY)
    return (first, last) if first <= last else None


def _backdate(cycle: AssessmentCycle, end: datetime.date) -> None:
    """HR created and computed the cycle a week after its quarter, finalised it two days
    later (when that is over by now)."""
    created = _at(end + 5 * DAY, 9, 30)
    computed = _at(end + 7 * DAY, 10)
    finalised = _at(end + 9 * DAY, 16)
    if finalised >= timezone.now():
        return
    AssessmentCycle.objects.filter(pk=cycle.pk).update(
        created_at=created, computed_at=computed, finalised_at=finalised
    )
    AssessmentResult.objects.filter(cycle=cycle).update(computed_at=computed)
