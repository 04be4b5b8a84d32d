"""A realistic data set for an assessment cycle, built fast (`manage.py generate_bench_data`).

`generate(staff=N)` fills a freshly migrated database with what a quarter's assessment
cycle reads, at the volumes of the 50,000-staff benchmark (tests/benchmarks/bench_cycle.py)
when N = 50,000, and in proportion otherwise. Per person:

- 20 graded quiz attempts: 5 at each of 4 required module tests (1,000,000 at N = 50,000);
- 10 customer-satisfaction surveys from the four sources, on the three scales (500,000);
- 2 complaints, about 60% of them the company's fault, some answered after 24 hours, each
  handled by a colleague (one in twenty by nobody) (100,000);
- 12 weekly efficiency rows with the counts of the person's position (600,000);
- 2 teamwork evaluations, a team project and a communication case (100,000).

Everything is dated inside the last complete calendar quarter, and the generator finishes
by creating the assessment cycle `bench` for that quarter, with the four quizzes required
and the current scoring policy, so that `manage.py compute_cycle bench` runs right after.

The people are an organisation tree (a company, regions, stations, teams of about 50) and
`staff` learners: 70% couriers, 20% customer-service agents, 10% station staff; 2% have
left during the quarter. Their password is unusable-for-guessing and hashed once.

Fast means COPY on PostgreSQL (the rows are streamed, never all held in memory) and
`bulk_create` elsewhere. The attempts are graded outcomes only: they have no AttemptItems
(no questions, answers or marks), which a cycle does not read; the quizzes have no question
slots either. The drill evaluations of live sessions, which a cycle also reads, are not
generated: teamwork evaluations stand for the fifth of the records that evaluations are.

The shared helpers (names, the org tree, `insert`) are also used by the benchmarks'
learning data set (tests/benchmarks/data.py).
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

PASSWORD = "bench-pass-2026"


USERNAME_PREFIX = "CY"


CODE_PREFIX = "cy"


CYCLE_NAME = "bench"


BATCH = 5000


TEAM_SIZE = 50


QUIZZES = 4


ATTEMPTS_PER_QUIZ = 5  # 20 attempts a person


SURVEYS = 10


COMPLAINTS = 2


WEEKS = 12  # efficiency rows a person


EVALUATIONS = 2


# Text ------------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程"


GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志远海峰俊浩宇轩晨欣怡婷雪琳"
)


REGIONS = ["华东区", "华南区", "华北区", "华中区", "西南区", "西北区", "东北区"]


CITIES = [
    "上海", "杭州", "南京", "苏州", "宁波", "合肥", "广州", "深圳", "东莞", "佛山",
    "厦门", "福州", "北京", "天津", "济南", "青岛", "武汉", "长沙", "郑州", "成都",
    "重庆", "昆明", "西安", "兰州", "沈阳",
]  # fmt: skip


TEAMS = ["收派一组", "收派二组", "收派三组", "客服组", "中转组", "夜班组", "仓储组", "网点组"]


QUIZ_TITLES = ["服务规范单元测验", "收派操作单元测验", "应急处置单元测验", "团队协作单元测验"]


EVALUATORS = ["周主管", "吴站长", "郑组长", "王培训师", "李培训师"]


def person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


# Shared building blocks --------------------------------------------------------------------


def org_tree(staff: int, *, code: str = "bench", company_name: str = "迅捷快递有限公司"):
    """company → regions → stations → teams of about TEAM_SIZE people, the unit codes
    starting with `code`; returns (number of units, company, teams)."""
    from lms import services
    from lms.models.org import OrgUnit

    def add(name, kind, unit_code, parent=None):
        fresh = OrgUnit.objects.get(pk=parent.pk) if parent else None
        return services.orgunit_create(name=name, kind=kind, code=unit_code, parent=fresh)

    teams_wanted = max(1, math.ceil(staff / TEAM_SIZE))
    stations_wanted = max(1, math.ceil(teams_wanted / 4))
    regions_wanted = max(1, math.ceil(stations_wanted / 5))
    company = add(company_name, "company", f"{code}-co")
    units = 1
    teams = []
    station_no = 0
    for r in range(regions_wanted):
        region_name = REGIONS[r % len(REGIONS)] + ("" if r < len(REGIONS) else str(r))
        region = add(region_name, "region", f"{code}-r{r + 1}", company)
        units += 1
        for _ in range(math.ceil(stations_wanted / regions_wanted)):
            if station_no >= stations_wanted:
                break
            city = CITIES[station_no % len(CITIES)]
            station_code = f"{code}-s{station_no + 1}"
            station = add(f"{city}{station_no + 1}号站", "station", station_code, region)
            station_no += 1
            units += 1
            for t in range(math.ceil(teams_wanted / stations_wanted)):
                if len(teams) >= teams_wanted:
                    break
                team_name = TEAMS[t % len(TEAMS)] + ("" if t < len(TEAMS) else str(t))
                teams.append(add(team_name, "team", f"{station_code}-t{t + 1}", station))
                units += 1
    return units, company, teams


def course_index():
    """The site's course index, made (with the training home) if there is none yet."""
    from courses.models.pages import CourseIndexPage, TrainingHomePage
    from lms.models.pages import HomePage

    training = TrainingHomePage.objects.first()
    if training is None:
        training = TrainingHomePage(title="培训中心", slug="training")
        HomePage.objects.first().add_child(instance=training)
    index = CourseIndexPage.objects.child_of(training).first()
    if index is None:
        index = CourseIndexPage(title="课程", slug="courses")
        training.add_child(instance=index)
    return index


def insert(model, fields: list[str], rows: Iterable[tuple]) -> int:
    """Insert `rows` (values of `fields`, in order): COPY on PostgreSQL, bulk_create elsewhere;
    the number of rows. The rows may be a generator: they are streamed, in batches.

    COPY takes a couple of seconds for 200,000 rows where bulk_create takes half a minute.
    Every non-null column without a database default must be among `fields`.
    """
    count = 0
    if connection.vendor == "postgresql":
        columns = ", ".join(
            connection.ops.quote_name(model._meta.get_field(f).column) for f in fields
        )
        table = connection.ops.quote_name(model._meta.db_table)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    batch = []
    for row in rows:
        batch.append(model(**dict(zip(fields, row, strict=True))))
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)
        count += len(batch)
    return count


# The cycle's data set ----------------------------------------------------------------------


@dataclass(frozen=True)
class CycleDataset:
    """What `generate()` made."""

    staff: int
    org_units: int
    quizzes: int
    attempts: int
    surveys: int
    complaints: int
    efficiency: int
    evaluations: int
    cycle_id: int
    starts_on: datetime.date
    ends_on: datetime.date

    @property
    def records(self) -> int:
        return self.attempts + self.surveys + self.complaints + self.efficiency + self.evaluations


def last_quarter(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last complete calendar quarter before `today`."""
    first_month = 3 * ((today.month - 1) // 3) + 1  # of this quarter
    this_quarter = datetime.date(today.year, first_month, 1)
    ends_on = this_quarter - datetime.timedelta(days=1)
    starts_on = datetime.date(ends_on.year, 3 * ((ends_on.month - 1) // 3) + 1, 1)
    return starts_on, ends_on


def _quizzes():
    """QUIZZES module tests, right under the course index (no course of their own: another
    benchmark's data set, made after this one, takes the first course for its own quiz),
    without question slots: the attempts are outcomes only."""
    from assessments.models.quizzes import QuizPage

    index = course_index()
    made = []
    for n, title in enumerate(QUIZ_TITLES[:QUIZZES]):
        quiz = QuizPage(
            title=title,
            slug=f"{CODE_PREFIX}-quiz-{n + 1}",
            time_limit_minutes=30,
            pass_percent=Decimal(60),
            counts_toward_assessment=True,
        )
        index.add_child(instance=quiz)
        index.refresh_from_db()
        made.append(quiz)
    return made


def _moment(start: datetime.datetime, rng: random.Random, span_seconds: int):
    return start + datetime.timedelta(seconds=rng.randrange(span_seconds))


def _percent(rng: random.Random, level: float) -> Decimal:
    """A quiz percent around the person's level, with one decimal."""
    value = min(100.0, max(0.0, rng.gauss(level, 12.0)))
    return Decimal(round(value * 10)) / 10


@transaction.atomic
def generate(staff: int = 50_000, *, seed: int = 2026, log=None) -> CycleDataset:
    """Build the data set into the current (migrated) database; see the module's doc."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from assessments.cycles.services import cycle_create
    from assessments.models.cycles import ScoringPolicy
    from assessments.models.metrics import (
        Complaint,
        ComplaintCategory,
        EfficiencyRecord,
        SurveyResult,
        SurveyScale,
        SurveySource,
        TeamworkEvaluation,
        TeamworkSource,
    )
    from assessments.models.quizzes import Attempt, AttemptState
    from lms.models.accounts import Position, StaffProfile, StaffStatus, User
    from lms.roles import Role

    def say(text: str) -> None:
        if log:
            log(text)

    if staff < 1:
        raise ValueError("staff must be positive")
    if User.objects.filter(username__startswith=USERNAME_PREFIX).exists():
        raise RuntimeError("The cycle's data set has already been generated in this database.")
    rng = random.Random(seed)
    today = timezone.localdate()
    starts_on, ends_on = last_quarter(today)
    days = (ends_on - starts_on).days + 1
    tz = timezone.get_current_timezone()
    window_start = datetime.datetime.combine(starts_on, datetime.time.min, tzinfo=tz)
    # Submissions and complaints stop two days before the end: their replies stay inside.
    span = (days - 2) * 86400
    now = timezone.now()

    say("org tree, people, quizzes")
    units, _company, teams = org_tree(staff, code=CODE_PREFIX, company_name="迅捷速运有限公司")
    quizzes = _quizzes()

    password = make_password(PASSWORD)
    usernames = [f"{USERNAME_PREFIX}{i + 1:06d}" for i in range(staff)]
    left = set(rng.sample(range(staff), staff // 50))
    insert(
        User,
        ["username", "email", "password", "is_active", "is_staff", "is_superuser", "date_joined"]
        + ["first_name", "last_name", "language"],
        (
            (
                username,
                f"{username.lower()}@bench.example" if i % 2 else "",
                password,
                i not in left,
                False,
                False,
                now,
                "",
                "",
                "",
            )
            for i, username in enumerate(usernames)
        ),
    )
    ids = dict(
        User.objects.filter(username__startswith=USERNAME_PREFIX).values_list("username", "pk")
    )
    user_ids = [ids[u] for u in usernames]
    positions = [Position.COURIER] * 7 + [Position.CUSTOMER_SERVICE] * 2 + [Position.STATION_STAFF]
    position_of = [positions[i % len(positions)].value for i in range(staff)]
    insert(
        StaffProfile,
        ["user_id", "full_name", "org_unit_id", "position", "hire_date", "status", "left_on"]
        + ["phone"],
        (
            (
                user_ids[i],
                person_name(rng),
                teams[i * len(teams) // staff].pk,
                position_of[i],
                starts_on - datetime.timedelta(days=rng.randint(-30, 1500)),
                (StaffStatus.LEFT if i in left else StaffStatus.ACTIVE).value,
                ends_on - datetime.timedelta(days=rng.randint(0, 30)) if i in left else None,
                f"138{i:08d}",
            )
            for i in range(staff)
        ),
    )
    learner_group = Group.objects.get(name=Role.LEARNER.value)
    Membership = User.groups.through
    insert(Membership, ["user_id", "group_id"], ((uid, learner_group.pk) for uid in user_ids))

    # Each person's level: their quiz results, surveys and evaluations cluster around it.
    level = [rng.uniform(45.0, 98.0) for _ in range(staff)]

    say("attempts")

    def attempts():
        for i, uid in enumerate(user_ids):
            for quiz in quizzes:
                for number in range(1, ATTEMPTS_PER_QUIZ + 1):
                    started = _moment(window_start, rng, span)
                    submitted = started + datetime.timedelta(seconds=rng.randint(300, 1800))
                    percent = _percent(rng, level[i])
                    yield (
                        quiz.pk,
                        uid,
                        number,
                        AttemptState.GRADED.value,
                        started,
                        submitted,
                        False,
                        percent / 2,  # a 50-mark test
                        Decimal(50),
                        percent,
                        percent >= 60,
                        submitted,
                    )

    attempt_count = insert(
        Attempt,
        ["quiz_id", "user_id", "number", "state", "started_at", "submitted_at"]
        + ["auto_submitted", "score", "max_score", "percent", "passed", "graded_at"],
        attempts(),
    )

    say("surveys")
    sources = [s.value for s in SurveySource]
    five, ten, hundred = SurveyScale.FIVE.value, SurveyScale.TEN.value, SurveyScale.PERCENT.value

    def surveys():
        n = 0
        for i, uid in enumerate(user_ids):
            for _ in range(SURVEYS):
                n += 1
                scale = rng.choice((five, five, ten, hundred))
                good = min(1.0, max(0.0, rng.gauss(level[i] / 100 + 0.1, 0.15)))
                if scale == five:
                    score = Decimal(1 + round(good * 4))
                elif scale == ten:
                    score = Decimal(round(good * 10))
                else:
                    score = Decimal(round(good * 100))
                day = starts_on + datetime.timedelta(days=rng.randrange(days))
                yield (uid, f"SV{n:08d}", day, rng.choice(sources), score, scale, "")

    survey_count = insert(
        SurveyResult,
        ["user_id", "reference", "date", "source", "score", "scale", "comment"],
        surveys(),
    )

    say("complaints")
    categories = [c.value for c in ComplaintCategory]

    def complaints():
        n = 0
        for uid in user_ids:
            for _ in range(COMPLAINTS):
                n += 1
                # handled by a colleague (anyone, for the benchmark), one in twenty by nobody
                handler = rng.choice(user_ids) if rng.random() >= 0.05 else None
                received = _moment(window_start, rng, span)
                reply = rng.random()
                if reply < 0.05:
                    first = None
                else:
                    hours = rng.uniform(0.5, 20) if reply < 0.8 else rng.uniform(24.5, 47)
                    first = received + datetime.timedelta(hours=hours)
                resolved = first + datetime.timedelta(hours=rng.randint(1, 72)) if first else None
                yield (
                    uid,
                    f"CP{n:08d}",
                    received,
                    rng.choice(categories),
                    rng.random() < 0.6,
                    first,
                    resolved,
                    "",
                    handler,
                )

    complaint_count = insert(
        Complaint,
        ["user_id", "reference", "received_at", "category", "company_at_fault"]
        + ["first_contact_at", "resolved_at", "outcome", "handler_id"],
        complaints(),
    )

    say("efficiency")

    def part_of(total: int, rate: float) -> int:
        return min(total, max(0, round(total * min(1.0, rng.gauss(rate, 0.03)))))

    def efficiency():
        for i, uid in enumerate(user_ids):
            position = position_of[i]
            rate = 0.85 + level[i] / 1000  # 0.895 to 0.948: around the targets
            for week in range(WEEKS):
                first = starts_on + datetime.timedelta(days=7 * week)
                pickups = deliveries = queries = exceptions = None
                pickups_on_time = deliveries_on_time = queries_on_time = None
                if position == Position.COURIER:
                    pickups = rng.randint(120, 260)
                    pickups_on_time = part_of(pickups, rate + 0.02)
                    deliveries = rng.randint(250, 500)
                    deliveries_on_time = part_of(deliveries, rate + 0.03)
                    items = pickups + deliveries
                elif position == Position.CUSTOMER_SERVICE:
                    queries = rng.randint(200, 450)
                    queries_on_time = part_of(queries, rate)
                    items = queries
                else:
                    items = rng.randint(1500, 3000)
                exceptions = rng.randint(0, 12)
                exceptions_on_time = part_of(exceptions, rate + 0.02)
                exceptions_solved = part_of(exceptions_on_time, rate + 0.02)
                errors = min(items, max(0, round(rng.gauss(items * 0.004, 1.0))))
                yield (
                    uid,
                    first,
                    first + datetime.timedelta(days=6),
                    pickups,
                    pickups_on_time,
                    deliveries,
                    deliveries_on_time,
                    queries,
                    queries_on_time,
                    exceptions,
                    exceptions_on_time,
                    exceptions_solved,
                    items,
                    errors,
                )

    efficiency_count = insert(
        EfficiencyRecord,
        ["user_id", "period_start", "period_end", "pickups", "pickups_on_time", "deliveries"]
        + ["deliveries_on_time", "queries", "queries_on_time", "exceptions"]
        + ["exceptions_on_time", "exceptions_solved", "items_handled", "errors"],
        efficiency(),
    )

    say("evaluations")
    kinds = [TeamworkSource.TEAM_PROJECT.value, TeamworkSource.COMMUNICATION_CASE.value]

    def evaluations():
        for i, uid in enumerate(user_ids):
            for n in range(EVALUATIONS):
                out_of = Decimal(10) if n % 2 else Decimal(100)
                good = min(1.0, max(0.0, rng.gauss(level[i] / 100 + 0.08, 0.1)))
                score = (out_of * Decimal(round(good * 100)) / 100).quantize(Decimal("0.01"))
                day = starts_on + datetime.timedelta(days=rng.randrange(days))
                yield (uid, day, kinds[n % 2], rng.choice(EVALUATORS), score, out_of, "")

    evaluation_count = insert(
        TeamworkEvaluation,
        ["user_id", "date", "source", "evaluator", "score", "max_score", "comment"],
        evaluations(),
    )

    if connection.vendor == "postgresql":
        say("analyse")
        with connection.cursor() as cursor:
            for model in (
                User,
                StaffProfile,
                Attempt,
                SurveyResult,
                Complaint,
                EfficiencyRecord,
                TeamworkEvaluation,
            ):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    policy = ScoringPolicy.objects.order_by("-version").first()
    cycle = cycle_create(
        name=CYCLE_NAME, starts_on=starts_on, ends_on=ends_on, policy=policy, quizzes=quizzes
    )
    return CycleDataset(
        staff=staff,
        org_units=units,
        quizzes=len(quizzes),
        attempts=attempt_count,
        surveys=survey_count,
        complaints=complaint_count,
        efficiency=efficiency_count,
        evaluations=evaluation_count,
        cycle_id=cycle.pk,
        starts_on=starts_on,
        ends_on=ends_on,
    )
