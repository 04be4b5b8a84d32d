# ruff: noqa: RUF001 (full-width punctuation in the Chinese texts, on purpose)
"""The demo quizzes and attempts: a test in each demo course, the end-of-onboarding
exam, and learners' attempts that agree with how far each of them got.

Loaded by `manage.py seed_demo` (`assessments.receivers`), after the demo training
(`courses.demo`) and the demo question bank; once, while there is no quiz at all.

The attempts follow the progress found in the database, not `courses.demo`'s lists:

- whoever completed a course passed its test (some at the second or third try),
  shortly before finishing its last lesson: the course became complete by the rules
  (every lesson and the required test) at that last lesson, the time `courses.demo`
  gave its completion;
- whoever is part way through a course failed its test, is taking it right now, or
  has not tried it yet;
- whoever finished the onboarding sat the exam: the demo trainers graded some essays
  by hand, others wait in the grading queue, one learner is sitting it now.

The attempts go through the services (`assessments.quizzes.services`), with their times
in the past and a `random.Random` seeded per learner and quiz, so the demo is the
same on every load (relative to the day). A learner answers a question right with
a probability that grows with the learner's ability and falls with the question's
difficulty, both fixed from their names, so that the trainers' item analysis finds
easy, hard and discriminating questions.
"""

from __future__ import annotations

import datetime
import math
import random
import zlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from assessments.models.bank import Question
from assessments.models.quizzes import (
    Attempt,
    AttemptItem,
    AttemptState,
    QuizPage,
    QuizSlot,
    ReviewPolicy,
)
from assessments.questions import selectors
from assessments.questions.data import Question as QuestionData
from assessments.questions.data import QuestionType
from assessments.quizzes import grading, responses, services
from courses.demo.learning import load_demo_courses
from courses.models.learning import Enrolment, LessonCompletion
from courses.models.pages import CourseIndexPage, CoursePage, TrainingHomePage
from lms.demo import company as lms_demo
from lms.models.accounts import User
from lms.permissions import staff_visibility

# Content -------------------------------------------------------------------------

TEST_SLUG = "module-test"


# The rules every module test shares.
MODULE_TEST_RULES = {
    "slug": TEST_SLUG,
    "time_limit_minutes": 20,
    "attempts_allowed": 3,
    "shuffle_choices": True,
    "required_for_completion": True,
    "counts_toward_assessment": True,
}


# By course slug. A slot is ("draw", category path, how many) at random, or
# ("fixed", category path, question title[, mark]). Module tests leave out the
# bank's essays, so that they grade themselves.
MODULE_TESTS = {
    "company-culture": {
        "title": "模块测验：公司文化及价值观",
        "intro": "<p>共 10 题，限时 20 分钟，60 分及格，可作答 3 次。交卷后即可查看答案和解析。"
        "</p>",
        "pass_percent": 60,
        "slots": [
            ("draw", "公司文化及价值观/服务宗旨", 4),
            ("draw", "公司文化及价值观/服务目标", 4),
            ("fixed", "公司文化及价值观/适用范围与文化培训", "手册适用范围"),
            ("fixed", "公司文化及价值观/适用范围与文化培训", "文化培训目的"),
        ],
    },
    "customer-service": {
        "title": "模块测验：客户服务知识",
        "intro": "<p>共 10 题，限时 20 分钟，80 分及格，可作答 3 次。"
        "未通过的，1 小时后才能再次作答：请先回顾投诉处理和满意度调查两课。</p>",
        "pass_percent": 80,
        "wait_minutes": 60,
        "slots": [("draw", "客户服务知识", 10)],
    },
    "business-process": {
        "title": "模块测验：业务流程与操作规范",
        "intro": "<p>共 11 题，题目顺序随机，限时 20 分钟，80 分及格，可作答 3 次。"
        "上门收寄时效为必考题。</p>",
        "pass_percent": 80,
        "shuffle_questions": True,
        "slots": [
            ("fixed", "业务流程与操作规范/服务时效", "上门收寄时效"),
            ("draw", "业务流程与操作规范", 10),
        ],
    },
    "emergency-handling": {
        "title": "模块测验：应急处理",
        "intro": "<p>共 10 题，限时 20 分钟，80 分及格，可作答 3 次。"
        "为免答案外传，本轮入职培训结束、测验关闭后才公布答案和解析。</p>",
        "pass_percent": 80,
        "review": ReviewPolicy.AFTER_CLOSE,
        "closes_in_days": 60,  # the end of this round of onboarding
        "slots": [
            ("fixed", "应急处理/异常与投诉时效", "异常处理时效"),
            ("fixed", "应急处理/异常与投诉时效", "投诉联系时效"),
            ("fixed", "应急处理/异常与投诉时效", "客户异议"),
            ("draw", "应急处理/安全设备", 3),
            ("draw", "应急处理/信息安全", 4),
        ],
    },
    "teamwork-communication": {
        "title": "模块测验：团队协作与沟通",
        "intro": "<p>共 10 题，限时 20 分钟，60 分及格，可作答 3 次。交卷后即可查看答案和解析。"
        "</p>",
        "pass_percent": 60,
        "slots": [
            ("draw", "团队协作与沟通/培训与考核", 6),
            ("fixed", "团队协作与沟通/沟通与协作", "经验分享"),
            ("fixed", "团队协作与沟通/沟通与协作", "记录投诉内容"),
            ("fixed", "团队协作与沟通/沟通与协作", "进展告知"),
            ("fixed", "团队协作与沟通/沟通与协作", "结果反馈给部门"),
        ],
    },
}


EXAM = {
    "title": "入职培训结业考试",
    "slug": "onboarding-exam",
    "intro": "<p>学完五个培训模块后参加。共 21 题：每个模块随机 4 题，"
    "另有 1 道案例分析题（5 分），由培训师批改。限时 45 分钟，70 分及格，可作答 2 次。"
    "考试关闭后公布答案和解析。</p>",
    "time_limit_minutes": 45,
    "attempts_allowed": 2,
    "pass_percent": 70,
    "review": ReviewPolicy.AFTER_CLOSE,
    "opened_days_ago": 21,
    "closes_in_days": 30,
    "shuffle_choices": True,
    "required_for_completion": False,
    "counts_toward_assessment": True,
    "slots": [
        ("draw", "公司文化及价值观", 4),
        ("draw", "客户服务知识", 4),
        ("draw", "业务流程与操作规范", 4),
        ("draw", "应急处理", 4),
        ("draw", "团队协作与沟通", 4),
        ("fixed", "应急处理/异常与投诉时效", "异常案例分析", 5),
    ],
}


# What a learner who gets a short-answer question wrong types, by question title.
WRONG_SHORT = {
    "宗旨填空": "顾客第一",
    "降低投诉率": "流失率",
    "手册的目标水平": "国内一流水平",
    "认真倾听": "方言",
    "首问负责制": "逐级上报制",
    "神秘购物": "电话回访",
    "下单后发送": "取件码",
    "火灾扑救": "消防栓",
    "客户信息加密": "定期备份",
    "经验分享": "班前会",
}


WRONG_SHORT_DEFAULT = "不清楚"


# Essays of the bank, by question title: a good, a fair and a poor answer, each with
# the trainer's comment; the trainer gives that share of the mark.
ESSAY_SHARE = {"good": Decimal("0.9"), "fair": Decimal("0.6"), "poor": Decimal("0.3")}


ESSAYS = {
    "异常案例分析": {
        "good": (
            "1. 先拍照留证，记录破损情况和运单号，检查内件是否受损。\n"
            "2. 发现异常后 2 小时内主动联系客户，说明情况并提供解决方案，"
            "比如重新包装后继续派送，或按规定赔偿（手册 3.1.5）。\n"
            "3. 客户投诉的，按运输类投诉处理，24 小时内联系客户并回复处理进展"
            "（手册 4.2.1、4.3.1）。\n"
            "4. 物品损坏的，按公司规定给予赔偿（手册 4.3.2）。\n"
            "5. 处理完后把结果书面反馈给客户，并记录在案（手册 4.4.2）。",
            "步骤完整，两个时限（2 小时、24 小时）都写对了，还记得书面反馈。很好。",
        ),
        "fair": (
            "先联系客户说明快件破损的情况，问客户还要不要继续派送。"
            "东西坏了就按规定赔偿，处理完告诉客户结果。要尽快联系，不能拖。",
            "方向对，但没有写时限：发现异常须在 2 小时内联系客户（手册 3.1.5），"
            "投诉须在 24 小时内联系并回复（手册 4.3.1）。",
        ),
        "poor": (
            "把包装重新打包好继续派送，客户签收的时候再跟他说明情况。",
            "不能等到签收时才告知客户。请重读手册 3.1.5 和 4.3:"
            "2 小时内主动联系客户，并给出解决方案。",
        ),
    },
    "谈谈服务宗旨": {
        "good": (
            "我是收派员。客户至上，就是把客户的时间当回事：约好了上门时间就准时到，"
            "到不了提前打电话说明。上门先问好、介绍自己，耐心回答客户的问题，"
            "不说客户听不懂的术语。遇到投诉不推脱，先记录清楚再按流程处理。",
            "结合了岗位，时效、礼仪、投诉都说到了。",
        ),
        "fair": (
            "对客户要有礼貌，态度要好，按时收派快件，客户有问题耐心解答。",
            "态度说到了，可以再结合时效承诺和投诉处理（手册 3.1、3.2.5）。",
        ),
        "poor": (
            "做好自己的工作就行。",
            "太笼统了，请结合手册 1.1 和 3.2 写出具体做法。",
        ),
    },
    "跨部门协作": {
        "good": (
            "客服接到投诉实行首问负责制，详细记录客户信息、运单号和投诉内容"
            "（手册 4.1.2、4.1.3），按运输类投诉转投诉处理人员。站点当天核查交接记录"
            "和扫描轨迹，把结果告诉投诉处理人员。24 小时内联系客户说明进展（手册 4.3.1），"
            "确认丢失的按规定赔偿（手册 4.3.2），最后书面反馈处理结果（手册 4.4.2）。",
            "分工清楚，首问负责和时限都写到了。",
        ),
        "fair": (
            "客服记录投诉后通知站点查件，站点查到结果告诉客服，客服再回复客户。丢了就赔偿。",
            "流程对，但缺少首问负责制和 24 小时内联系客户的要求（手册 4.1.3、4.3.1）。",
        ),
        "poor": (
            "让客户自己联系派送站点查询。",
            "这违反首问负责制（手册 4.1.3）：接到投诉的人要负责到底，不能让客户自己去找。",
        ),
    },
}


# Plans: the outcome of each attempt in turn, until one passes. "try" is whatever the
# learner's answers earn, "pass" and "fail" are steered to that result, "open" is an
# attempt still being taken, "wait" (the exam) one waiting for its grader.
# A learner who completed a course passed its test: at once, or after failing.
FINISHED_PLAN = ("try", "try", "pass")


# Learners part way through a course take these in turn (in employee-number order).
UNFINISHED_PLANS = [("fail",), ("open",), (), ("fail", "fail"), ("fail", "open"), ()]


# The demo learner (courses.demo.LEARNER) shows a failed and a passed attempt.
LEARNER = "E1001"


LEARNER_PLANS = {"company-culture": ("fail", "pass"), "customer-service": ("fail",)}


# The exam, in turn for those who finished the onboarding; "pass" and "fail" need a
# trainer who may grade the learner, and wait for grading without one.
EXAM_PLANS = [("pass",), ("fail", "wait"), ("wait",), ("pass",), ("fail",), ("open",), ("wait",)]


# A little over 1 in 40 questions is left unanswered.
UNANSWERED = 0.025


def load_demo_quizzes(stdout=None) -> int:
    """A test in each demo course, the end-of-onboarding exam and the learners' attempts,
    once. Returns the attempts made.

    The attempts follow the learners' progress in the demo training, so that is loaded
    first if the courses app's receiver of `demo_seeded` has not run yet (it runs first,
    `courses` coming before `assessments` in INSTALLED_APPS; this keeps the result the same
    should that order change).
    """
    if not TrainingHomePage.objects.exists():
        load_demo_courses(stdout=stdout)
    if QuizPage.objects.exists():
        _say(
            stdout,
            f"Demo quizzes already loaded: {QuizPage.objects.count()} quizzes, "
            f"{Attempt.objects.count()} attempts.",
        )
        return 0
    courses = {c.slug: c for c in CoursePage.objects.filter(slug__in=MODULE_TESTS)}
    if not courses or not Question.objects.exists():
        _say(stdout, "No demo courses or question bank: demo quizzes not loaded.")
        return 0
    now = timezone.now()
    with transaction.atomic():
        tests = {
            course.pk: _publish(course, _quiz(MODULE_TESTS[slug], MODULE_TEST_RULES, now))
            for slug, course in courses.items()
        }
        index = CourseIndexPage.objects.parent_of(next(iter(courses.values()))).get()
        exam = _publish(index, _quiz(EXAM, {}, now))
        made = _module_attempts(tests, now) + _exam_attempts(exam, list(tests), now)
    states = dict(Attempt.objects.values_list("state").annotate(n=Count("pk")))
    _say(
        stdout,
        f"Demo quizzes loaded: {len(tests)} module tests and an exam, {made} attempts "
        f"({states.get(AttemptState.GRADED, 0)} graded, "
        f"{states.get(AttemptState.NEEDS_GRADING, 0)} waiting for grading, "
        f"{states.get(AttemptState.IN_PROGRESS, 0)} in progress).",
    )
    return made


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


# Quizzes --------------------------------------------------------------------------


def _quiz(spec: dict, rules: dict, now: datetime.datetime) -> QuizPage:
    fields = {**rules, **{k: v for k, v in spec.items() if k in _QUIZ_FIELDS}}
    today = timezone.localdate(now)
    if "opened_days_ago" in spec:
        fields["opens_at"] = _at(today - datetime.timedelta(days=spec["opened_days_ago"]), 8)
    if "closes_in_days" in spec:
        fields["closes_at"] = _at(today + datetime.timedelta(days=spec["closes_in_days"]), 22)
    fields["pass_percent"] = Decimal(fields["pass_percent"])
    slots = [_slot(slot, order) for order, slot in enumerate(spec["slots"])]
    return QuizPage(**fields, slots=slots)


_QUIZ_FIELDS = {
    "title", "slug", "intro", "time_limit_minutes", "attempts_allowed", "wait_minutes",
    "pass_percent", "review", "shuffle_questions", "shuffle_choices",
    "required_for_completion", "counts_toward_assessment",
}  # fmt: skip


def _slot(spec: tuple, order: int) -> QuizSlot:
    kind, path, what, *mark = spec
    category = selectors.find_category(path)
    if category is None:
        raise LookupError(f"The demo bank has no category {path}.")
    if kind == "draw":
        return QuizSlot(category=category, count=what, sort_order=order)
    question = Question.objects.get(category=category, name=what)
    return QuizSlot(question=question, mark=Decimal(mark[0]) if mark else None, sort_order=order)


def _publish(parent, page: QuizPage) -> QuizPage:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


# Attempts at the module tests -------------------------------------------------------


@dataclass(frozen=True)
class Sitting:
    outcome: str  # "try", "pass", "fail", "wait" or "open"
    start: datetime.datetime
    end: datetime.datetime | None = None  # submitted then; None while open


def _minutes(n: float) -> datetime.timedelta:
    return datetime.timedelta(minutes=n)


def _module_attempts(tests: dict[int, QuizPage], now: datetime.datetime) -> int:
    """Attempts that agree with each learner's progress in each course."""
    lessons: dict[tuple[int, int], list[datetime.datetime]] = defaultdict(list)
    for user_id, course_id, at in LessonCompletion.objects.filter(course_id__in=tests).values_list(
        "user_id", "course_id", "completed_at"
    ):
        lessons[user_id, course_id].append(at)
    completed = {
        (user_id, course_id): at
        for user_id, course_id, at in Enrolment.objects.filter(
            course_id__in=tests, completed_at__isnull=False
        ).values_list("user_id", "course_id", "completed_at")
    }
    users = User.objects.in_bulk({user_id for user_id, _course in lessons.keys() | completed})
    slugs = dict(CoursePage.objects.filter(pk__in=tests).values_list("pk", "slug"))
    made = 0
    for course_id, quiz in tests.items():
        slug = slugs[course_id]
        learners = sorted(
            (users[user_id].username, user_id)
            for user_id, course in lessons.keys() | completed
            if course == course_id
        )
        turn = 0
        for username, user_id in learners:
            rng = random.Random(zlib.crc32(f"{username}/{slug}".encode()))
            plan = LEARNER_PLANS.get(slug) if username == LEARNER else None
            done_at = completed.get((user_id, course_id))
            if done_at is not None:
                if not plan or plan[-1] != "pass":  # a completed course's test was passed
                    plan = FINISHED_PLAN
                sittings = _before(done_at, plan, quiz, rng)
            else:
                if plan is None:
                    plan, turn = UNFINISHED_PLANS[turn % len(UNFINISHED_PLANS)], turn + 1
                sittings = _after(max(lessons[user_id, course_id]), plan, quiz, rng, now)
            ability = _ability(username) - (0 if done_at else 0.5)
            for sitting in sittings:
                made += 1
                if _sit(quiz, users[user_id], sitting, rng, ability, now).passed:
                    break
    return made


def _before(done_at, plan, quiz: QuizPage, rng: random.Random) -> list[Sitting]:
    """Sittings ending a little before the course's last lesson; the last one passes."""
    sittings = []
    end = done_at - _minutes(rng.randint(10, 40))
    for outcome in reversed(plan):
        start = end - _minutes(rng.randint(8, 18))
        sittings.append(Sitting(outcome, start, end))
        gap = max(_minutes(quiz.wait_minutes + 30), _minutes(60 * rng.randint(3, 26)))
        end = start - gap
    return sittings[::-1]


def _after(last_lesson, plan, quiz: QuizPage, rng: random.Random, now) -> list[Sitting]:
    """Sittings after the learner's last lesson of the course, the last one maybe open."""
    latest = now - _minutes(30)
    start = last_lesson + _minutes(15)
    start += (latest - start) * rng.uniform(0.05, 0.3)
    ready = start  # the earliest time the wait between attempts allows
    sittings = []
    for outcome in plan:
        if outcome == "open":
            start = now - _minutes(rng.randint(4, 12))
            if start >= ready:
                sittings.append(Sitting(outcome, start))
            break
        start = max(start, ready)
        end = start + _minutes(rng.randint(8, 18))
        if end >= latest:
            break
        sittings.append(Sitting(outcome, start, end))
        ready = end + _minutes(quiz.wait_minutes)
        start = end + (latest - end) * rng.uniform(0.3, 0.6)
    return sittings


# The exam --------------------------------------------------------------------------


def _exam_attempts(exam: QuizPage, course_ids: list[int], now: datetime.datetime) -> int:
    """Those who completed every course sit the exam; the trainers grade some essays."""
    finished = (
        Enrolment.objects.filter(course_id__in=course_ids, completed_at__isnull=False)
        .values("user_id")
        .annotate(courses=Count("pk"), last=Max("completed_at"))
        .filter(courses=len(course_ids))
    )
    last_of = {row["user_id"]: row["last"] for row in finished}
    learners = User.objects.filter(pk__in=last_of).select_related("profile__org_unit")
    trainers = list(
        User.objects.filter(
            username__in=[
                number
                for number, *_rest, trainer_units, _email in lms_demo.DEMO_ACCOUNTS
                if trainer_units
            ]
        ).order_by("username")
    )
    made = 0
    for turn, user in enumerate(sorted(learners, key=lambda u: u.username)):
        rng = random.Random(zlib.crc32(f"{user.username}/{exam.slug}".encode()))
        grader = next(
            (t for t in trainers if t.pk != user.pk and staff_visibility.allows(t, user.profile)),
            None,
        )
        plan = EXAM_PLANS[turn % len(EXAM_PLANS)]
        if grader is None:
            plan = tuple("wait" if outcome in ("pass", "fail") else outcome for outcome in plan)
        latest = now - _minutes(120)
        start = max(exam.opens_at, min(last_of[user.pk] + _minutes(120), latest - _minutes(60)))
        start += (latest - start) * rng.uniform(0.05, 0.35)
        for outcome in plan:
            if outcome == "open":
                sitting = Sitting("open", now - _minutes(rng.randint(8, 20)))
                _sit(exam, user, sitting, rng, _ability(user.username), now)
                made += 1
                break
            end = start + _minutes(rng.randint(22, 40))
            attempt = _sit(exam, user, Sitting(outcome, start, end), rng, _ability(user.username))
            made += 1
            graded_at = end + (latest - end) * rng.uniform(0.15, 0.35)
            if outcome in ("pass", "fail"):
                _grade_essays(attempt, grader, graded_at, outcome)
            start = graded_at + (latest - graded_at) * rng.uniform(0.2, 0.5)
    return made


def _grade_essays(attempt: Attempt, grader: User, graded_at, outcome: str) -> None:
    """The trainer grades the attempt's essays (as planned when answering), then."""
    waiting = attempt.items.filter(state=grading.GradeState.NEEDS_GRADING).select_related(
        "version"
    )
    for item in waiting:
        quality = _essay_quality(outcome, attempt.user.username)
        _text, comment = ESSAYS[item.version.content.name][quality]
        services.item_grade_manually(
            item=item, score=_essay_score(item.mark, quality), comment=comment, by=grader
        )
    # The services grade "now": the demo's trainer graded these some time ago.
    AttemptItem.objects.filter(attempt=attempt, graded_by=grader).update(graded_at=graded_at)
    Attempt.objects.filter(pk=attempt.pk).update(graded_at=graded_at)
    attempt.refresh_from_db()
    if attempt.passed != (outcome == "pass"):
        raise AssertionError(f"The demo exam attempt {attempt} did not come out {outcome}.")


def _essay_quality(outcome: str, username: str) -> str:
    if outcome == "pass":
        return "good"
    if outcome == "fail":
        return "poor"
    ability = _ability(username)
    return "good" if ability > 1.5 else "fair" if ability > 0.6 else "poor"


def _essay_score(mark: Decimal, quality: str) -> Decimal:
    return (mark * ESSAY_SHARE[quality]).quantize(Decimal("0.01"))


# Answering ------------------------------------------------------------------------


def _unit(text: str) -> float:
    """A number from 0 to 1, fixed by `text`."""
    return zlib.crc32(text.encode()) % 1000 / 999


def _ability(username: str) -> float:
    return -0.3 + 2.6 * _unit(username)


def _difficulty(content: QuestionData) -> float:
    return -1.0 + 2.4 * _unit(content.name or content.text)


def _chance(ability: float, difficulty: float) -> float:
    """The chance of a right answer (a logistic item response curve)."""
    return 1 / (1 + math.exp(1.6 * (difficulty - ability)))


@dataclass
class Answer:
    position: int
    content: QuestionData
    order: list[int]
    mark: Decimal
    difficulty: float
    right: bool
    data: dict | None = None  # the form data; None: left unanswered
    score: Decimal = Decimal(0)  # as graded (an essay: as the trainer will grade it)

    def give(self, right: bool, rng: random.Random, *, quality: str = "") -> None:
        self.right = right
        if self.content.qtype == QuestionType.ESSAY:
            self.data = {"text": ESSAYS[self.content.name][quality][0]}
            self.score = _essay_score(self.mark, quality)
            return
        self.data = _form_data(self.content, right, rng)
        response = responses.response_from(self.content, self.order, self.data)
        self.score = grading.grade(self.content, response, self.mark).score or Decimal(0)


def _sit(quiz, user, sitting: Sitting, rng: random.Random, ability: float, now=None) -> Attempt:
    """One attempt, started, answered and (unless open) submitted at the sitting's times."""
    attempt = services.attempt_start(quiz=quiz, user=user, now=sitting.start, rng=rng)
    ability += 0.4 * (attempt.number - 1)
    answers = []
    for item in attempt.items.select_related("version").order_by("position"):
        content = item.version.content
        difficulty = _difficulty(content)
        answer = Answer(item.position, content, item.option_order, item.mark, difficulty, False)
        right = rng.random() < _chance(ability, difficulty)
        if content.qtype == QuestionType.ESSAY:
            answer.give(True, rng, quality=_essay_quality(sitting.outcome, user.username))
        elif rng.random() >= UNANSWERED:
            answer.give(right, rng)
        answers.append(answer)
    _steer(answers, attempt, sitting.outcome, rng)

    if sitting.end is None:  # still answering: the first half saved so far
        answered = answers[: len(answers) // 2]
        times = _spread(sitting.start, now - _minutes(1), len(answered))
    else:
        answered = answers
        times = _spread(sitting.start, sitting.end, len(answered))
    for answer, when in zip(answered, times, strict=True):
        if answer.data is not None and not services.answer_save(
            attempt=attempt, position=answer.position, data=answer.data, now=when
        ):
            raise AssertionError(f"The demo attempt {attempt} refused an answer.")
    if sitting.end is None:
        return attempt
    attempt = services.attempt_submit(attempt=attempt, now=sitting.end)
    expected = {"pass": True, "fail": False}.get(sitting.outcome)
    if (
        expected is not None
        and attempt.state == AttemptState.GRADED
        and attempt.passed != expected
    ):
        raise AssertionError(f"The demo attempt {attempt} did not come out {sitting.outcome}.")
    return attempt


def _steer(answers: list[Answer], attempt: Attempt, outcome: str, rng: random.Random) -> None:
    """Put right the easiest questions missed (to pass), or miss the hardest (to fail)."""
    if outcome not in ("pass", "fail"):
        return
    needed = attempt.quiz.pass_percent

    def passes() -> bool:
        total = sum((a.score for a in answers), Decimal(0))
        return grading.percent(total, attempt.max_score) >= needed

    gradable = [a for a in answers if a.content.qtype != QuestionType.ESSAY]
    if outcome == "pass":
        for answer in sorted(gradable, key=lambda a: a.difficulty):
            if passes():
                break
            if answer.score < answer.mark:
                answer.give(True, rng)
    else:
        for answer in sorted(gradable, key=lambda a: -a.difficulty):
            if not passes():
                break
            if answer.score > 0:
                answer.give(False, rng)


def _spread(start, end, n: int) -> list[datetime.datetime]:
    """`n` times from `start` to `end`, evenly spaced, none at either end."""
    step = (end - start) / (n + 1)
    return [start + step * (i + 1) for i in range(n)]


def _form_data(content: QuestionData, right: bool, rng: random.Random) -> dict:
    """The form values of a right answer, or of a plausible wrong one."""
    qtype = content.qtype
    if qtype == QuestionType.SINGLE:
        best = max(range(len(content.choices)), key=lambda i: content.choices[i].fraction)
        if right:
            return {"choice": best}
        wrong = [i for i in range(len(content.choices)) if i != best]
        # The first distractors tempt more learners than the last.
        return {"choice": rng.choices(wrong, [1 / (k + 1) for k in range(len(wrong))])[0]}
    if qtype == QuestionType.MULTIPLE:
        good = [i for i, c in enumerate(content.choices) if c.fraction > 0]
        bad = [i for i, c in enumerate(content.choices) if c.fraction <= 0]
        if right:
            return {"choices": good}
        if bad and rng.random() < 0.5:
            return {"choices": [*good, rng.choice(bad)]}
        missed = rng.choice(good)
        return {"choices": [i for i in good if i != missed]}
    if qtype == QuestionType.TRUE_FALSE:
        return {"truth": "true" if content.correct == right else "false"}
    if qtype == QuestionType.SHORT:
        if right:
            return {"text": max(content.choices, key=lambda c: c.fraction).text}
        return {"text": WRONG_SHORT.get(content.name, WRONG_SHORT_DEFAULT)}
    if qtype == QuestionType.NUMERICAL:
        number = max(content.numbers, key=lambda n: n.fraction)
        value = number.low if number.is_range else number.value
        if not right:
            value += rng.choice([1, 2] if value < 2 else [-1, 1, 2])
        return {"text": str(value)}
    if qtype == QuestionType.MATCHING:
        prompts = [i for i, pair in enumerate(content.pairs) if pair.prompt]
        matches = {i: i for i in prompts}
        if not right and len(prompts) > 1:
            a, b = rng.sample(prompts, 2)
            matches[a], matches[b] = matches[b], matches[a]
        return {"matches": {str(k): v for k, v in matches.items()}}
    raise ValueError(f"No demo answer for a {qtype} question.")
