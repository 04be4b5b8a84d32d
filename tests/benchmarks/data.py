# Chinese text is written with its own full-width punctuation.
# ruff: noqa: RUF001
"""A realistic data set for the benchmarks, built fast.

`generate()` fills a freshly migrated database with an organisation tree, `staff` learners,
`courses` published courses of `lessons_per_course` lessons each, their enrolments and exactly
`completions` lesson completions. The pages go through the test factories (and so through
Wagtail's publishing); the people and their progress go in with `bulk_create`, which is what
makes 5,000 staff and 200,000 completions take seconds rather than an hour.

It is a plain function so that a pytest test can run it with small numbers inside its test
database (`tests/benchmarks/test_data.py`); the benchmark runner recreates its own database
before calling it, so it does not need to be idempotent (it refuses to run twice).

The shape of the data:
- one company → regions → stations → teams of about 50 people;
- staff are mostly couriers, some customer-service agents and station staff; 2% have left
  (their account is switched off, their records kept);
- every learner is enrolled in several courses (more than their completions need); the first
  three courses are the onboarding path, the others come from an assignment or the learner's
  own choice;
- a learner works through their courses one after another: the first ones complete, then one
  in progress, then some not started. The number of completions per person varies from about
  0.4 to 1.6 times the average, then is nudged so the total is exactly `completions`;
- overdue and due-soon enrolments have reminders.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

# Names, the org tree and COPY: shared with the cycle's data set.
from assessments.demo.bench import course_index, insert, org_tree, person_name

PASSWORD = "bench-pass-2026"
USERNAME_PREFIX = "BN"
BATCH = 5000
ONBOARDING_COURSES = 3


@dataclass(frozen=True)
class Dataset:
    """What `generate()` made, and a typical learner to sign in as."""

    staff: int
    org_units: int
    courses: int
    lessons: int
    enrolments: int
    completed_enrolments: int
    completions: int
    reminders: int
    # A typical learner: active, with a finished course and one in progress (if any has).
    learner_id: int
    learner_username: str
    learner_name: str
    # The lesson that learner would continue with: not yet finished by them.
    lesson_id: int
    password: str = PASSWORD


# Text ------------------------------------------------------------------------

COURSE_TITLES = {
    "culture": ["企业文化与服务理念", "诚信经营与职业道德"],
    "service": ["客户服务基础知识", "电话与在线客服礼仪", "客户投诉处理"],
    "process": ["收件与派件操作规范", "快件包装与安全检查", "签收与异常件处理"],
    "emergency": ["突发事件应急处置", "恶劣天气与交通事故应对"],
    "teamwork": ["团队协作与有效沟通", "班组交接与信息传递"],
}
MODULE_ORDER = ["culture", "service", "process", "emergency", "teamwork"]

PARAGRAPHS = [
    "快递服务的核心是准时、安全、准确。每一位收派员都是公司形象的代表，客户对公司的印象往往来自"
    "上门取件的那几分钟：是否按约定时间到达，是否主动出示工牌，是否耐心说明资费和时效。做好这些"
    "细节，比任何广告都更能赢得客户的信任。",
    "上门取件前，应提前十五分钟电话或短信联系客户，确认取件地址、物品类型和大致重量。如遇客户不在，"
    "应礼貌询问方便的时间并记录在系统中，不得擅自将快件放置在门口或交由无关人员代收。",
    "验视是收件环节的法定义务。收派员须当面检查物品是否属于禁寄、限寄范围，核对寄件人身份信息，"
    "确认包装是否牢固。对于液体、粉末、锂电池等特殊物品，应按照公司《禁限寄物品目录》逐项核对，"
    "不能确定时应立即联系网点主管，切勿凭经验判断。",
    "派件时应做到“先联系、后派送、再签收”。到达派送地址后，请客户当面验收外包装，确认无破损后再"
    "签字。客户要求放入快递柜或驿站的，须事先取得客户同意并在系统中留下记录，做到每一票快件都有据可查。",
    "处理客户投诉时，首先要倾听，不打断、不争辩，让客户把问题讲完；其次要复述，确认自己理解了客户"
    "的诉求；然后给出明确的处理方案和时限。客户投诉须在24小时内给予首次回复，72小时内办结，"
    "超时未办结的投诉将计入网点考核。",
    "电话沟通要注意语气和用语规范。接听电话时先报网点名称和工号，使用“您好”“请”“谢谢”“抱歉”等"
    "文明用语，语速适中、吐字清晰。结束通话前应再次确认客户的需求是否已经解决，并等客户先挂断电话。",
    "遇到暴雨、台风、大雪等恶劣天气，应优先保障人身安全，其次保障快件安全。出发前检查车辆状况和"
    "防雨设备，快件须装入防水袋。因天气原因无法按时派送的，应主动联系客户说明情况，并在系统中登记"
    "延误原因，切勿为了赶时效冒险驾驶。",
    "发生交通事故时，第一步是确保自身和他人安全，开启危险报警灯并设置警示标志；第二步是拨打报警和"
    "急救电话；第三步是拍照留存现场，并立即报告网点负责人。车上的快件应妥善保管，不得遗留在事故现场。",
    "团队协作是网点高效运转的基础。早班与晚班交接时，须当面清点滞留件、问题件和到付款项，交接内容"
    "在交接本上签字确认。发现异常情况要及时在班组群里通报，做到信息共享、责任到人。",
    "异常件包括地址不详、收件人拒收、包装破损、疑似丢失等情况。发现异常件后，应在两小时内在系统中"
    "登记并拍照上传，注明异常原因和已采取的措施。对于破损件，须与客户共同确认内件情况，必要时由客户"
    "填写《快件异常确认单》。",
    "客户隐私保护是法律的要求，也是公司的红线。面单信息、客户电话、地址等个人信息不得拍照外传，不得"
    "用于任何与派送无关的用途。废弃面单须集中销毁，发现信息泄露要第一时间报告。",
    "服务质量考核由五部分组成：理论考试、实操演练、客户满意度、时效指标和日常表现。每位员工可以在"
    "“我的学习”中查看自己的课程进度，按时完成必修课程是参加年度考核的前提。",
]
KEY_RULES = [
    ("3.1.2", "客户投诉须在24小时内给予首次回复，72小时内办结。"),
    ("4.2.1", "收件时必须当面验视，禁止寄递的物品一律不得收寄。"),
    ("4.3.5", "派件时须请收件人当面验收，未经同意不得放入快递柜或交由他人代收。"),
    ("5.1.3", "恶劣天气下应优先保障人身安全，因天气延误须主动告知客户。"),
    ("2.4.1", "客户个人信息不得外传，废弃面单须集中销毁。"),
]
CHECKLIST = [
    "出发前检查车辆、工牌、手持终端和防雨用品",
    "上门前十五分钟联系客户确认地址",
    "当面验视物品，核对寄件人身份信息",
    "请客户当面验收外包装后再签收",
    "异常件两小时内登记并拍照上传",
    "交接班时清点滞留件和到付款项并签字",
]


def lesson_body(n: int) -> list[tuple[str, object]]:
    """A lesson of realistic size: headings, several paragraphs, a rule, a checklist, a check."""
    rng = random.Random(n)
    paragraphs = rng.sample(PARAGRAPHS, 6)
    clause, rule = KEY_RULES[n % len(KEY_RULES)]
    return [
        ("heading", "为什么这很重要"),
        ("text", "".join(f"<p>{p}</p>" for p in paragraphs[:2])),
        ("key_rule", {"clause": clause, "rule": rule, "note": f"<p>{paragraphs[2]}</p>"}),
        ("heading", "怎么做"),
        (
            "text",
            f"<p>{paragraphs[3]}</p><ul>"
            + "".join(f"<li>{item}</li>" for item in rng.sample(CHECKLIST, 3))
            + f"</ul><p>{paragraphs[4]}</p>",
        ),
        ("checklist", {"title": "每日自查清单", "items": rng.sample(CHECKLIST, 5)}),
        ("text", f"<p>{paragraphs[5]}</p>"),
        (
            "knowledge_check",
            {
                "question": "客户投诉应在多长时间内给予首次回复？",
                "choices": [
                    {
                        "text": "12小时",
                        "correct": False,
                        "feedback": "太短了，制度规定的是24小时。",
                    },
                    {"text": "24小时", "correct": True, "feedback": "正确。"},
                    {"text": "72小时", "correct": False, "feedback": "72小时是办结时限。"},
                ],
                "explanation": f"<p>见服务手册第{KEY_RULES[0][0]}条：{KEY_RULES[0][1]}</p>",
            },
        ),
    ]


def _course_titles(count: int) -> list[tuple[str, str]]:
    """(module, title) for `count` courses, taking the modules in turn."""
    pools = {module: list(titles) for module, titles in COURSE_TITLES.items()}
    result = []
    for n in range(count):
        module = MODULE_ORDER[n % len(MODULE_ORDER)]
        pool = pools[module]
        title = pool.pop(0) if pool else f"{COURSE_TITLES[module][0]}（{n + 1}）"
        result.append((module, title))
    return result


# The plan: who is enrolled where and how far they got ------------------------------------


@dataclass
class _Person:
    courses: list[int]  # course indexes, in the order the person works through them
    quota: int  # lessons this person has completed


def _plan(
    rng: random.Random, staff: int, completions: int, courses: int, per_course: int
) -> list[_Person]:
    if min(staff, courses, per_course) < 1 or completions < 0:
        raise ValueError("staff, courses and lessons_per_course must be positive")
    if completions > staff * courses * per_course:
        raise ValueError(
            f"{completions} completions do not fit: {staff} staff, {courses} courses of "
            f"{per_course} lessons allow at most {staff * courses * per_course}"
        )
    average = completions / staff
    fewest = min(courses, max(1, math.ceil(average / per_course) + 1))
    onboarding = list(range(min(ONBOARDING_COURSES, courses)))
    people = []
    for _ in range(staff):
        chosen = set(rng.sample(range(courses), rng.randint(fewest, courses)))
        people.append(_Person(_work_order(rng, chosen, onboarding), 0))
    # Room for every completion: enrol people in more courses until there is.
    room = sum(len(p.courses) for p in people) * per_course
    while room < completions:
        for person in people:
            missing = [c for c in range(courses) if c not in person.courses]
            if missing and room < completions:
                person.courses.append(rng.choice(missing))
                room += per_course
    for person in people:
        person.quota = min(
            len(person.courses) * per_course, round(average * rng.uniform(0.4, 1.6))
        )
    # Nudge the quotas, one lesson at a time, until the total is exact.
    missing = completions - sum(p.quota for p in people)
    order = list(range(staff))
    while missing:
        step = 1 if missing > 0 else -1
        rng.shuffle(order)
        for i in order:
            person = people[i]
            if 0 <= person.quota + step <= len(person.courses) * per_course:
                person.quota += step
                missing -= step
                if not missing:
                    break
    return people


def _work_order(rng: random.Random, chosen: set[int], onboarding: list[int]) -> list[int]:
    """Onboarding courses first, in their order, then the others in a random order."""
    rest = [c for c in chosen if c not in onboarding]
    rng.shuffle(rest)
    return [c for c in onboarding if c in chosen] + rest


# Building -----------------------------------------------------------------------------


def _courses(count: int, per_course: int):
    """Published courses and lessons through the factories; returns [(course, [lessons])]."""
    from tests import factories

    index = course_index()  # the cycle benchmark's, if it ran first
    made = []
    for n, (module, title) in enumerate(_course_titles(count)):
        course, lessons = factories.course(
            index,
            title,
            module=module,
            lessons=per_course,
            slug=f"course-{n + 1}",
            body=lesson_body(n),
            estimated_minutes=per_course * 10,
            onboarding_order=n + 1 if n < ONBOARDING_COURSES else None,
        )
        index.refresh_from_db()
        made.append((course, lessons))
    return made


@transaction.atomic
def generate(
    staff: int = 5000,
    completions: int = 200_000,
    courses: int = 10,
    lessons_per_course: int = 8,
    *,
    seed: int = 2026,
) -> Dataset:
    """Build the data set into the current (migrated, otherwise empty) database."""
    from courses.models import (
        Assignment,
        Enrolment,
        EnrolmentSource,
        LessonCompletion,
        Reminder,
        ReminderKind,
    )
    from lms.models import Position, StaffProfile, StaffStatus, User
    from lms.roles import Role

    if User.objects.filter(username__startswith=USERNAME_PREFIX).exists():
        raise RuntimeError("generate() has already run on this database")
    rng = random.Random(seed)
    people = _plan(rng, staff, completions, courses, lessons_per_course)
    units, company, teams = org_tree(staff)
    made = _courses(courses, lessons_per_course)

    now = timezone.now()
    today = timezone.localdate()
    password = make_password(PASSWORD)

    # People: accounts, profiles, the learner role.
    usernames = [f"{USERNAME_PREFIX}{i + 1:06d}" for i in range(staff)]
    left = set(rng.sample(range(staff), staff // 50))
    User.objects.bulk_create(
        (
            User(
                username=username,
                email=f"{username.lower()}@bench.example" if i % 2 else "",
                password=password,
                is_active=i not in left,
                date_joined=now,
            )
            for i, username in enumerate(usernames)
        ),
        batch_size=BATCH,
    )
    ids = dict(
        User.objects.filter(username__startswith=USERNAME_PREFIX).values_list("username", "pk")
    )
    user_ids = [ids[u] for u in usernames]
    hired = [today - datetime.timedelta(days=rng.randint(20, 1500)) for _ in range(staff)]
    names = [person_name(rng) for _ in range(staff)]
    positions = [Position.COURIER] * 7 + [Position.CUSTOMER_SERVICE] * 2 + [Position.STATION_STAFF]
    StaffProfile.objects.bulk_create(
        (
            StaffProfile(
                user_id=user_ids[i],
                full_name=names[i],
                org_unit=teams[i * len(teams) // staff],
                position=positions[i % len(positions)],
                hire_date=hired[i],
                status=StaffStatus.LEFT if i in left else StaffStatus.ACTIVE,
                left_on=today - datetime.timedelta(days=10) if i in left else None,
                phone=f"139{i:08d}",
            )
            for i in range(staff)
        ),
        batch_size=BATCH,
    )
    learner_group = Group.objects.get(name=Role.LEARNER.value)
    Membership = User.groups.through
    Membership.objects.bulk_create(
        (Membership(user_id=uid, group_id=learner_group.pk) for uid in user_ids),
        batch_size=BATCH,
    )

    # One assignment (to the whole company) per course that is not onboarding.
    assignments = {
        n: Assignment.objects.create(
            course=course,
            org_unit=company,
            due_on=today + datetime.timedelta(days=30),
            note="全员必修",
        )
        for n, (course, _lessons) in enumerate(made)
        if n >= ONBOARDING_COURSES
    }

    # Enrolments, then completions, one person at a time.
    per_course = lessons_per_course
    enrolment_rows: list[tuple] = []
    completion_rows: list[tuple[int, int, int, datetime.datetime]] = []
    sample = None
    for i, person in enumerate(people):
        left_to_do = person.quota
        start = now - datetime.timedelta(days=min(400, (today - hired[i]).days))
        for course_no in person.courses:
            course, lessons = made[course_no]
            done = min(per_course, left_to_do)
            left_to_do -= done
            enrolled_at = min(now, start + datetime.timedelta(hours=rng.randint(0, 72)))
            if course_no < ONBOARDING_COURSES:
                source, assignment = EnrolmentSource.ONBOARDING, None
                due = hired[i] + datetime.timedelta(days=30)
            elif rng.random() < 0.7:
                source, assignment = EnrolmentSource.ASSIGNED, assignments.get(course_no)
                due = assignment.due_on if assignment else None
            else:
                source, assignment, due = EnrolmentSource.SELF, None, None
            moment = enrolled_at
            for lesson in lessons[:done]:
                moment = min(now, moment + datetime.timedelta(minutes=rng.randint(5, 3000)))
                completion_rows.append((user_ids[i], lesson.pk, course.pk, moment))
            enrolment_rows.append(
                (
                    user_ids[i],
                    course.pk,
                    source.value,
                    assignment.pk if assignment else None,
                    enrolled_at,
                    due,
                    moment if done == per_course else None,
                    lessons[min(done, per_course - 1)].pk if done else None,
                    moment if done else None,
                )
            )
            start = moment
            if (
                sample is None
                and i not in left
                and 0 < done < per_course
                and person.quota >= per_course
            ):
                sample = (i, lessons[done])
    if sample is None:  # tiny data sets: anyone active with a lesson still to do
        for i, person in enumerate(people):
            if i not in left and person.quota < len(person.courses) * per_course:
                course_no = person.courses[person.quota // per_course]
                sample = (i, made[course_no][1][person.quota % per_course])
                break
        else:
            sample = (0, made[people[0].courses[0]][1][0])

    enrolment_fields = [
        "user_id", "course_id", "source", "assignment_id", "enrolled_at", "due_on",
        "completed_at", "last_lesson_id", "last_activity_at",
    ]  # fmt: skip
    insert(Enrolment, enrolment_fields, enrolment_rows)
    completed_enrolments = sum(1 for row in enrolment_rows if row[6])
    completion_fields = ["user_id", "lesson_id", "course_id", "completed_at"]
    insert(LessonCompletion, completion_fields, completion_rows)

    # Reminders for open enrolments that are overdue or due within three days.
    soon = today + datetime.timedelta(days=3)
    reminder_rows = [
        (pk, (ReminderKind.OVERDUE if due < today else ReminderKind.DUE_SOON).value, now, False)
        for pk, due in Enrolment.objects.filter(
            completed_at__isnull=True, due_on__lte=soon, user__is_active=True
        ).values_list("pk", "due_on")
    ]
    insert(Reminder, ["enrolment_id", "kind", "created_at", "emailed"], reminder_rows)

    learner_index, lesson = sample
    return Dataset(
        staff=staff,
        org_units=units,
        courses=len(made),
        lessons=sum(len(lessons) for _course, lessons in made),
        enrolments=len(enrolment_rows),
        completed_enrolments=completed_enrolments,
        completions=len(completion_rows),
        reminders=len(reminder_rows),
        learner_id=user_ids[learner_index],
        learner_username=usernames[learner_index],
        learner_name=names[learner_index],
        lesson_id=lesson.pk,
    )
