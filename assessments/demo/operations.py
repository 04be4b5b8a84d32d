# ruff: noqa: RUF001, RUF003 (full-width characters, on purpose)
"""The demo's operational data: satisfaction surveys, complaints, efficiency metrics and
teamwork evaluations of the demo staff, loaded by `manage.py seed_demo` through the
import itself (`data_imports.import_file`), one generated file per kind.

    generate(demo_people(), seed_windows(today), now) -> Operations   # rows, by column key
    load_demo_operations(stdout)                                      # seed_demo
    python -m assessments.demo.operations --write                     # the example files

The data covers the previous quarter and the current one up to yesterday, so that a
past and a current assessment cycle both have content. Every record comes from a
`random.Random` seeded by the person and the quarter (or the week), never by the day
of the run: a later run adds the days since and changes nothing before, and a run on
the same day imports nothing at all. Efficiency is counted per week (Monday to
Sunday), cut at the quarter's ends, at the hire date and at the leaving date, so that
a quarter holds whole periods and no period is ever counted in two cycles; a week
appears once it is over.

Complaints name their handler (投诉处理人员, manual 4.3.1): a customer-service agent of the
station (never the person complained about), or, where a station has none, a trainer of its
region; one complaint in twenty names nobody. Whether the first reply came late is the
handler's doing (`Profile.late_replies`).

Each frontline person (courier, customer-service agent, station staff) has a profile:
a level (excellent, good, average, struggling) and, for a few, a kind of data that is
missing. Station managers are evaluated on teamwork only; trainers, HR and head
office have no operational data. The example files in `data/` are the same generator
for the third quarter of 2026 (see `data/README.md`).
"""

from __future__ import annotations

import csv
import datetime
import io
import random
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from assessments.imports import values as v
from assessments.imports.kinds import KINDS
from assessments.imports.templates import SHEET_NAMES, cell_text
from lms.demo import company as lms_demo

DATA = Path(__file__).with_name("data")
HR_USER = "H0001"  # the demo HR officer, who imports the files

FRONTLINE = ("courier", "customer_service", "station_staff")

# How each kind is written at seed time and in the example files: (format, header
# language, CSV encoding), so that both readers, both encodings and both languages of
# the import are used.
FORMATS = {
    "roster": ("xlsx", "zh", None),
    "surveys": ("csv", "zh", "gb18030"),
    "complaints": ("xlsx", "zh", None),
    "efficiency": ("csv", "zh", "utf-8-sig"),
    "teamwork": ("csv", "en", "utf-8"),
}
LABELS = {
    "surveys": "satisfaction surveys",
    "complaints": "complaints",
    "efficiency": "efficiency records",
    "teamwork": "teamwork evaluations",
}

# The example files: the third quarter of 2026, as exported a week after it ended.
EXAMPLE_QUARTER = datetime.date(2026, 7, 1)
EXAMPLE_NOW = datetime.datetime(2026, 10, 8, 9, 0)
ZIP_TIME = (2026, 10, 8, 9, 0, 0)


# People and profiles ------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    number: str
    name: str
    unit: str  # org unit code
    position: str
    hired: datetime.date
    left_on: datetime.date | None
    index: int  # place in lms.demo's lists: part of the reference numbers
    email: str = ""


@dataclass(frozen=True)
class Level:
    name: str
    satisfaction: tuple[float, float]  # a survey's score as a share of its scale: mean, sd
    pickups_on_time: float  # share of pick-ups within 2 h (manual 3.1.2)
    deliveries_on_time: float  # within 24 h (3.1.3)
    queries_on_time: float  # answered within 5 min (3.1.4)
    exceptions_on_time: float  # customer contacted within 2 h (3.1.5)
    exceptions_solved: float  # of those, a solution offered within 2 h too (3.1.5)
    error_rate: float  # errors per item a courier handles (a sorter makes a quarter)
    complaints: tuple[int, ...]  # complaints in a quarter, one of these at random
    at_fault: float  # chance that a complaint is the company's fault
    teamwork: float  # share of a rubric's maximum


EXCELLENT = Level(
    "excellent", (0.95, 0.04), 0.985, 0.996, 0.975, 0.98, 0.97, 0.0004, (0, 0, 0, 1), 0.0, 0.92
)
GOOD = Level("good", (0.87, 0.07), 0.96, 0.985, 0.95, 0.93, 0.92, 0.0012, (0, 0, 1), 0.4, 0.84)
AVERAGE = Level(
    "average", (0.78, 0.09), 0.93, 0.97, 0.92, 0.87, 0.85, 0.0025, (0, 1, 1, 2), 0.55, 0.76
)
STRUGGLING = Level(
    "struggling", (0.58, 0.15), 0.84, 0.91, 0.80, 0.68, 0.7, 0.007, (2, 3, 4), 0.8, 0.62
)


@dataclass(frozen=True)
class Profile:
    level: Level
    surveys: bool = True  # False: no survey at all (and no complaint)
    efficiency: bool = True
    teamwork: bool = True
    # as a complaint handler (投诉处理人员), first answers after 24 h (manual 4.3.1)
    late_replies: bool = False


# Everyone with operational data; anyone else (trainers, HR, head office) has none.
PROFILES = {
    # couriers
    "E1001": Profile(EXCELLENT),  # 王喆, the demo learner account
    "E1002": Profile(GOOD),
    "E1003": Profile(AVERAGE),
    "E1004": Profile(STRUGGLING),
    "E1009": Profile(GOOD),
    "E1010": Profile(GOOD),
    "E1011": Profile(AVERAGE, teamwork=False),
    "E1016": Profile(EXCELLENT),
    "E1017": Profile(STRUGGLING),
    "E1018": Profile(AVERAGE),
    "E1023": Profile(EXCELLENT),
    "E1024": Profile(GOOD),
    "E1025": Profile(AVERAGE),
    "E1030": Profile(GOOD),
    "E1032": Profile(GOOD, surveys=False),  # Hangzhou's survey vendor never sampled her
    "E1033": Profile(AVERAGE),
    "E1034": Profile(AVERAGE),  # left on 2026-09-30
    "E1037": Profile(AVERAGE, teamwork=False),  # joined on 2026-10-12
    # customer-service agents
    "E1005": Profile(GOOD),
    "E1006": Profile(AVERAGE, late_replies=True),  # handles 浦东's complaints, some late
    "E1019": Profile(EXCELLENT),
    "E1020": Profile(GOOD),
    "E1021": Profile(STRUGGLING, late_replies=True),
    "E1031": Profile(GOOD, efficiency=False),  # his queue is missing from the export
    # station staff
    "E1007": Profile(GOOD),
    "E1012": Profile(GOOD),
    "E1013": Profile(STRUGGLING),
    "E1014": Profile(AVERAGE, surveys=False),  # sorting only, never meets a customer
    "E1026": Profile(EXCELLENT),
    "E1027": Profile(AVERAGE),
    "E1028": Profile(GOOD, teamwork=False),
    # station managers: teamwork only
    "E1008": Profile(GOOD),
    "E1015": Profile(GOOD),
    "E1022": Profile(EXCELLENT),
    "E1029": Profile(GOOD),
}


def demo_people() -> list[Person]:
    """The demo staff as `manage.py seed_demo` creates them (lms.demo)."""
    left = dict(lms_demo.LEAVERS)
    rows = [
        (n, name, unit, pos, email) for n, name, unit, pos, _r, _t, email in lms_demo.DEMO_ACCOUNTS
    ]
    rows += [(n, name, unit, pos, "") for n, name, unit, pos in lms_demo.STAFF]
    return [
        Person(n, name, unit, pos, lms_demo.hire_date_for(i), left.get(n), i, email)
        for i, (n, name, unit, pos, email) in enumerate(rows)
    ]


_UNITS = {code: (name, kind, parent) for code, name, kind, parent in lms_demo.ORG_UNITS}


def _up(unit: str, kind: str) -> str | None:
    """The unit of `kind` at or above `unit`."""
    code: str | None = unit
    while code is not None and _UNITS[code][1] != kind:
        code = _UNITS[code][2]
    return code


def unit_path(unit: str) -> tuple[str, ...]:
    """The unit's names below the company, from the top down, as a roster writes them."""
    names = []
    code: str | None = unit
    while code is not None and _UNITS[code][1] != "company":
        names.append(_UNITS[code][0])
        code = _UNITS[code][2]
    return tuple(reversed(names))


class Evaluators:
    """Who evaluates whom: the station manager for team projects, the region's trainers
    for communication cases and for the managers themselves."""

    def __init__(self, people: Iterable[Person]):
        self.managers: dict[str, str] = {}
        self.trainers: dict[str, list[str]] = {}
        for person in people:
            if person.position == "manager" and _UNITS[person.unit][1] == "station":
                self.managers[person.unit] = person.name
            elif person.position == "trainer" and _up(person.unit, "region"):
                self.trainers.setdefault(_up(person.unit, "region"), []).append(person.name)

    def project(self, person: Person) -> str | None:
        if person.position == "manager":
            return self.case(person)
        return self.managers.get(_up(person.unit, "station") or "")

    def case(self, person: Person, rng: random.Random | None = None) -> str | None:
        trainers = sorted(self.trainers.get(_up(person.unit, "region") or "", []))
        if not trainers:
            return None
        return rng.choice(trainers) if rng else trainers[0]


class Handlers:
    """Who handles a station's complaints: its customer-service agents, or, where it has
    none, the trainers of its region."""

    def __init__(self, people: Iterable[Person]):
        self.agents: dict[str, list[str]] = {}
        self.trainers: dict[str, list[str]] = {}
        for person in people:
            station = _up(person.unit, "station")
            if person.position == "customer_service" and station:
                self.agents.setdefault(station, []).append(person.number)
            elif person.position == "trainer" and _up(person.unit, "region"):
                self.trainers.setdefault(_up(person.unit, "region"), []).append(person.number)

    def choose(self, person: Person, rng: random.Random) -> str | None:
        station = _up(person.unit, "station") or ""
        agents = sorted(n for n in self.agents.get(station, []) if n != person.number)
        candidates = agents or sorted(self.trainers.get(_up(person.unit, "region") or "", []))
        return rng.choice(candidates) if candidates else None


# Dates ----------------------------------------------------------------------------------

DAY = datetime.timedelta(days=1)


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: datetime.date) -> datetime.date:
    start = quarter_start(day)
    following = datetime.date(start.year + start.month // 10, (start.month + 2) % 12 + 1, 1)
    return following - DAY


def quarter_name(day: datetime.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def seed_windows(today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The previous quarter, whole, and the current one up to yesterday (if begun)."""
    current = quarter_start(today)
    previous = quarter_start(current - DAY)
    windows = [(previous, current - DAY)]
    if today - DAY >= current:
        windows.append((current, today - DAY))
    return windows


def _rng(*parts) -> random.Random:
    return random.Random(zlib.crc32("/".join(map(str, parts)).encode()))


def _spread(rng: random.Random, start: datetime.date, end: datetime.date, n: int):
    """`n` distinct days between start and end, in order."""
    days = (end - start).days + 1
    return sorted(start + DAY * offset for offset in rng.sample(range(days), min(n, days)))


# Texts ----------------------------------------------------------------------------------

SURVEY_COMMENTS = {
    "courier": {
        "good": [
            "快递小哥很准时，态度也好。",
            "送货前提前打了电话，很贴心。",
            "包裹完好无损，服务专业。",
            "预约取件准时上门，还帮忙打包。",
        ],
        "fair": ["比预计晚了一点送到，整体还可以。", "派送还算及时，就是没提前联系。"],
        "poor": [
            "没打电话就把快递放在门口了。",
            "预约了上门取件，等了三个多小时。",
            "态度不耐烦，外箱还有破损。",
            "显示已签收，但我根本没收到。",
        ],
    },
    "customer_service": {
        "good": [
            "客服回复很快，问题一次就解决了。",
            "讲解耐心细致，没有用专业术语。",
            "主动跟进了我的理赔进度。",
        ],
        "fair": ["等了几分钟才接通，问题最后解决了。", "回答基本清楚。"],
        "poor": [
            "排队等了很久，问了三遍才说清楚。",
            "答应回电，但一直没有回电。",
            "只会重复话术，问题没有解决。",
        ],
    },
    "station_staff": {
        "good": ["网点工作人员热情，寄件很快。", "柜台服务规范，称重收费清楚。"],
        "fair": ["排队时间有点长。", "服务还行。"],
        "poor": ["工作人员态度冷淡。", "寄件时说系统故障，让我第二天再来。"],
    },
}

# Manual 4.2.1 and 4.3.2: the categories, what goes wrong, what is done about it.
COMPLAINT_OUTCOMES = {
    "service": (
        "已向客户致歉，并对当事员工进行服务规范再培训。",
        "经核实员工按规范操作，已向客户说明情况。",
    ),
    "transport": (
        "快件破损，已按保价条款赔偿客户。",
        "延误系天气原因，已向客户说明并告知预计送达时间。",
    ),
    "information": (
        "物流信息更新不及时，已补录轨迹并向客户致歉。",
        "客户查询的单号有误，已协助核对。",
    ),
    "other": ("多收的费用已退还客户。", "收费符合公示标准，已向客户解释，客户表示理解。"),
}
COMPLAINT_CATEGORIES = {
    "courier": ("service", "service", "service", "transport", "transport", "information", "other"),
    "customer_service": ("service", "service", "information", "information", "other"),
    "station_staff": ("transport", "transport", "service", "other"),
}

PROJECTS = {1: "春节运力保障", 2: "“618”大促保障", 3: "夏季高温安全派送", 4: "“双十一”旺季协同"}
TEAMWORK_COMMENTS = {
    "good": [
        "主动承担高峰期的协调工作，与同事配合默契。",
        "交接清楚，及时在群里同步异常件进展。",
        "带新同事熟悉线路，团队评价很高。",
    ],
    "fair": ["能完成分内工作，主动沟通还可以加强。", "配合较好，个别交接不够及时。"],
    "poor": [
        "与同事交接不清，导致快件重复派送。",
        "遇到客户异议时情绪急躁，需加强沟通技巧。",
        "高峰期未及时报告积压情况。",
    ],
}
CASE_COMMENTS = {
    "good": ["向客户解释清楚延误原因，客户表示满意。", "安抚情绪到位，并给出了明确的处理时限。"],
    "fair": ["沟通基本到位，但未主动告知后续进展。"],
    "poor": ["未认真倾听客户诉求，答复前后不一致。", "答应回电后未按时回电。"],
}


def _tone(share: float) -> str:
    return "good" if share >= 0.85 else "fair" if share >= 0.65 else "poor"


# Generating -----------------------------------------------------------------------------


@dataclass
class Operations:
    """The rows of each kind, as dicts by column key holding plain Python values."""

    surveys: list[dict] = field(default_factory=list)
    complaints: list[dict] = field(default_factory=list)
    efficiency: list[dict] = field(default_factory=list)
    teamwork: list[dict] = field(default_factory=list)

    def rows(self, kind: str) -> list[dict]:
        return getattr(self, kind)


def generate(
    people: Iterable[Person],
    windows: Iterable[tuple[datetime.date, datetime.date]],
    now: datetime.datetime,
) -> Operations:
    """The demo's records of `people` dated within `windows` (each inside one quarter),
    as exported at `now` (naive, local): complaints not yet answered or resolved by then
    have those times empty."""
    people = list(people)
    evaluators = Evaluators(people)
    handlers = Handlers(people)
    out = Operations()
    for start, end in windows:
        quarter = quarter_start(start)
        for person in people:
            profile = PROFILES.get(person.number)
            if profile is None:
                continue
            first = max(start, person.hired)
            last = min(end, person.left_on or end)
            if first > last:
                continue
            if person.position in FRONTLINE and profile.surveys:
                out.surveys += _within(_surveys(person, profile, quarter), "date", first, last)
                complaints = _within(
                    _complaints(person, profile, quarter, handlers), "received_at", first, last
                )
                out.complaints += [_answered(r, now) for r in complaints if r["received_at"] < now]
            if person.position in FRONTLINE and profile.efficiency:
                out.efficiency += _efficiency(person, profile, first, last)
            if profile.teamwork:
                teamwork = _teamwork(person, profile, quarter, evaluators)
                out.teamwork += _within(teamwork, "date", first, last)
    out.surveys.sort(key=lambda r: (r["date"], r["reference"]))
    out.complaints.sort(key=lambda r: (r["received_at"], r["reference"]))
    out.efficiency.sort(key=lambda r: (r["period_start"], r["employee_number"]))
    out.teamwork.sort(key=lambda r: (r["date"], r["employee_number"], r["source"]))
    return out


def _within(rows: list[dict], key: str, first: datetime.date, last: datetime.date):
    """The rows dated from `first` to `last`."""
    return [row for row in rows if first <= _day(row[key]) <= last]


def _day(moment: datetime.date) -> datetime.date:
    return moment.date() if isinstance(moment, datetime.datetime) else moment


SURVEY_SOURCES = {  # manual 5.1, and how often each reaches this position's customers
    "courier": (("questionnaire", 35), ("phone", 30), ("online", 25), ("mystery_shopper", 10)),
    "customer_service": (
        ("phone", 45),
        ("online", 35),
        ("questionnaire", 15),
        ("mystery_shopper", 5),
    ),
    "station_staff": (("questionnaire", 40), ("mystery_shopper", 40), ("online", 20)),
}
SURVEYS_PER_QUARTER = {"courier": (5, 8), "customer_service": (6, 9), "station_staff": (2, 4)}


def _surveys(person: Person, profile: Profile, quarter: datetime.date) -> list[dict]:
    rng = _rng(person.number, "surveys", quarter)
    sources, weights = zip(*SURVEY_SOURCES[person.position], strict=True)
    days = _spread(
        rng, quarter, quarter_end(quarter), rng.randint(*SURVEYS_PER_QUARTER[person.position])
    )
    rows = []
    for i, day in enumerate(days):
        source = rng.choices(sources, weights)[0]
        mean, sd = profile.level.satisfaction
        share = min(1.0, max(0.0, rng.gauss(mean, sd)))
        score, scale = _score(source, share, rng)
        comment = ""
        if rng.random() < (0.8 if share < 0.65 else 0.4):
            comment = rng.choice(SURVEY_COMMENTS[person.position][_tone(share)])
        rows.append(
            {
                "reference": f"MY{day:%Y%m%d}{person.index:02d}{i:02d}",
                "employee_number": person.number,
                "date": day,
                "source": source,
                "score": score,
                "scale": scale,
                "comment": comment,
            }
        )
    return rows


def _score(source: str, share: float, rng: random.Random) -> tuple[Decimal, str]:
    """A satisfaction share on the scale the source uses."""
    if source == "phone":  # "from 0 to 10, how satisfied were you?"
        return Decimal(round(10 * share)), "0-10"
    if source == "mystery_shopper":  # a checklist scored out of 100
        return Decimal(round(100 * share)), "percent"
    if source == "online" and rng.random() < 0.8:  # stars
        return Decimal(round(1 + 4 * share)), "1-5"
    if source == "questionnaire" and rng.random() < 0.7:  # the mean of five 1–5 questions
        return Decimal(round(5 * (1 + 4 * share))) / 5, "1-5"
    return Decimal(round(100 * share)), "percent"


def _complaints(
    person: Person, profile: Profile, quarter: datetime.date, handlers: Handlers
) -> list[dict]:
    rng = _rng(person.number, "complaints", quarter)
    level = profile.level
    count = rng.choice(level.complaints)
    if person.position == "station_staff":
        count //= 2
    rows = []
    for i, day in enumerate(_spread(rng, quarter, quarter_end(quarter), count)):
        category = rng.choice(COMPLAINT_CATEGORIES[person.position])
        at_fault = (i == 0 and level is STRUGGLING) or rng.random() < level.at_fault
        handler = handlers.choose(person, rng) if rng.random() >= 0.05 else None
        handling = PROFILES.get(handler or "")
        slow = handling is not None and handling.late_replies
        if (slow and rng.random() < 0.6) or rng.random() < 0.04:
            delay = rng.uniform(26, 60)  # the first reply came late
        else:
            delay = min(rng.expovariate(1 / 3), 20) + 0.25
        received = datetime.datetime.combine(
            day, datetime.time(rng.randint(8, 20), rng.randrange(0, 60))
        )
        contact = _office_hours(received + datetime.timedelta(hours=delay), rng)
        if delay < 24:  # answered in time, even if that meant a call in the evening
            contact = min(contact, received + datetime.timedelta(hours=23, minutes=30))
        hours = rng.uniform(3, 110 if category == "transport" else 50)
        resolved = _office_hours(contact + datetime.timedelta(hours=hours), rng)
        rows.append(
            {
                "reference": f"TS{day:%Y%m%d}{person.index:02d}{i:02d}",
                "employee_number": person.number,
                "received_at": received,
                "category": category,
                "company_at_fault": at_fault,
                "first_contact_at": contact,
                "resolved_at": resolved,
                "outcome": COMPLAINT_OUTCOMES[category][not at_fault],
                "handler": handler or "",
            }
        )
    return rows


def _office_hours(moment: datetime.datetime, rng: random.Random) -> datetime.datetime:
    """The moment, or the next morning if it falls at night; to the minute."""
    if moment.hour >= 21:
        moment += DAY
    if moment.hour >= 21 or moment.hour < 8:
        moment = datetime.datetime.combine(moment.date(), datetime.time(8, rng.randrange(30, 60)))
    return moment.replace(second=0, microsecond=0)


def _answered(row: dict, now: datetime.datetime) -> dict:
    """A complaint as it stood at `now`: not yet answered or resolved, maybe."""
    if row["resolved_at"] >= now:
        row = {**row, "resolved_at": None, "outcome": ""}
    if row["first_contact_at"] >= now:
        row = {**row, "first_contact_at": None}
    return row


def _weeks(
    first: datetime.date, last: datetime.date
) -> Iterator[tuple[datetime.date, datetime.date]]:
    """Monday-to-Sunday weeks, cut at `first` and `last`."""
    monday = first - DAY * first.weekday()
    while monday <= last:
        yield max(monday, first), min(monday + 6 * DAY, last)
        monday += 7 * DAY


def _work_days(start: datetime.date, end: datetime.date, position: str) -> int:
    days = [start + DAY * n for n in range((end - start).days + 1)]
    if position == "customer_service":  # shifts: five days in seven, weekends included
        return round(len(days) * 5 / 7)
    return sum(1 for day in days if day.weekday() != 6)  # Monday to Saturday


def _efficiency(person: Person, profile: Profile, first: datetime.date, last: datetime.date):
    """A row per week over by `last`, from `first` (both in one quarter), with the
    measures of the person's position only (manual 3.1): empty cells are "not measured"."""
    level = profile.level
    usual = _rng(person.number, "volume")  # this person's usual workload, a day
    deliveries, pickups = usual.uniform(85, 140), usual.uniform(18, 40)
    queries, agent_exceptions = usual.uniform(60, 95), usual.uniform(3, 6)
    items, station_exceptions = usual.uniform(1400, 2400), usual.uniform(1, 4)
    stop = min(quarter_end(first), person.left_on or quarter_end(first))
    rows = []
    for start, end in _weeks(first, stop):
        if end > last:
            break  # not over yet
        rng = _rng(person.number, "efficiency", start)
        days = _work_days(start, end, person.position)
        if days == 0:
            continue
        row = dict.fromkeys(EFFICIENCY_MEASURES)
        if person.position == "courier":
            row["pickups"] = _count(rng, days, pickups)
            row["pickups_on_time"] = _on_time(rng, row["pickups"], level.pickups_on_time)
            row["deliveries"] = _count(rng, days, deliveries)
            row["deliveries_on_time"] = _on_time(rng, row["deliveries"], level.deliveries_on_time)
            row["exceptions"] = round(row["deliveries"] * rng.uniform(0.008, 0.02))
            row["items_handled"] = row["pickups"] + row["deliveries"]
            row["errors"] = round(row["items_handled"] * level.error_rate * rng.uniform(0.3, 1.7))
        elif person.position == "customer_service":
            row["queries"] = _count(rng, days, queries)
            row["queries_on_time"] = _on_time(rng, row["queries"], level.queries_on_time)
            row["exceptions"] = _count(rng, days, agent_exceptions)
        else:  # station staff: sorting
            row["items_handled"] = _count(rng, days, items)
            errors = row["items_handled"] * level.error_rate / 4
            row["errors"] = round(errors * rng.uniform(0.3, 1.7))
            row["exceptions"] = _count(rng, days, station_exceptions)
        row["exceptions_on_time"] = _on_time(rng, row["exceptions"], level.exceptions_on_time)
        # of those contacted in time, the ones also offered a solution in time (3.1.5)
        row["exceptions_solved"] = _on_time(
            rng, row["exceptions_on_time"], level.exceptions_solved
        )
        rows.append(
            {"employee_number": person.number, "period_start": start, "period_end": end, **row}
        )
    return rows


EFFICIENCY_MEASURES = (
    "pickups",
    "pickups_on_time",
    "deliveries",
    "deliveries_on_time",
    "queries",
    "queries_on_time",
    "exceptions",
    "exceptions_on_time",
    "exceptions_solved",
    "items_handled",
    "errors",
)


def _count(rng: random.Random, days: int, per_day: float) -> int:
    return max(1, round(days * per_day * rng.uniform(0.88, 1.12)))


def _on_time(rng: random.Random, total: int, rate: float) -> int:
    return max(0, total - round(total * (1 - rate) * rng.uniform(0.5, 1.5)))


def _teamwork(person: Person, profile: Profile, quarter: datetime.date, evaluators: Evaluators):
    """The quarter's team project, scored out of 20 by the station manager (by a trainer
    for a manager), and one or two communication cases out of 10 by a trainer."""
    rng = _rng(person.number, "teamwork", quarter)
    station = _up(person.unit, "station") or person.unit
    # A station's project is reviewed on one day for everyone, in the quarter's middle.
    review = quarter + DAY * _rng(station, "project", quarter).randint(35, 55)
    rows = []

    def evaluation(day, source, evaluator, out_of, comments):
        share = min(1.0, max(0.2, rng.gauss(profile.level.teamwork, 0.06)))
        score = Decimal(round(2 * out_of * share)) / 2
        tone = _tone(share)
        comment = rng.choice(comments[tone]) if rng.random() < 0.7 or tone == "poor" else ""
        if source == "team_project":
            comment = f"{PROJECTS[(quarter.month - 1) // 3 + 1]}：{comment}".rstrip("：")
        rows.append(
            {
                "employee_number": person.number,
                "date": day,
                "source": source,
                "evaluator": evaluator,
                "score": score,
                "max_score": Decimal(out_of),
                "comment": comment,
            }
        )

    evaluator = evaluators.project(person)
    if evaluator:
        evaluation(review, "team_project", evaluator, 20, TEAMWORK_COMMENTS)
    if person.position in FRONTLINE:
        days = _spread(rng, quarter + 7 * DAY, quarter_end(quarter) - 7 * DAY, rng.randint(1, 2))
        for day in days:
            if day != review and (evaluator := evaluators.case(person, rng)):
                evaluation(day, "communication_case", evaluator, 10, CASE_COMMENTS)
    return rows


def roster_rows(people: Iterable[Person]) -> list[dict]:
    """The demo staff as a roster; head office is the company's name alone."""
    company = next(name for name, kind, _parent in _UNITS.values() if kind == "company")
    rows = []
    for person in people:
        rows.append(
            {
                "employee_number": person.number,
                "full_name": person.name,
                "org_unit_path": unit_path(person.unit) or (company,),
                "position": person.position,
                "hire_date": person.hired,
                "status": "left" if person.left_on else "active",
                "left_on": person.left_on,
                "email": person.email,
                "phone": "",
            }
        )
    return rows


# Files ----------------------------------------------------------------------------------


def csv_file(kind: str, rows: list[dict], *, language: str, encoding: str) -> bytes:
    """A CSV file as Excel writes it: every column of the kind, headers in `language`."""
    columns = KINDS[kind].columns
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([getattr(column, language) for column in columns])
    for row in rows:
        writer.writerow([cell_text(column, row.get(column.key), language) for column in columns])
    return out.getvalue().encode(encoding)


def xlsx_file(kind: str, rows: list[dict], *, language: str) -> bytes:
    """A workbook with dates, times and numbers as themselves; the same bytes every time."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    columns = KINDS[kind].columns
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAMES[kind][language == "zh"]
    sheet.append([getattr(column, language) for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_xlsx_value(column, row.get(column.key), language) for column in columns])
    for number, column in enumerate(columns, 1):
        wide = column.parse is v.parse_org_path or column.key == "outcome"
        sheet.column_dimensions[get_column_letter(number)].width = 40 if wide else 18
        if column.parse is v.parse_datetime:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=number, max_col=number):
                cell.number_format = "yyyy-mm-dd hh:mm"
    sheet.freeze_panes = "A2"
    workbook.properties.creator = "Courier LMS demo"
    out = io.BytesIO()
    workbook.save(out)
    return _stable_zip(out.getvalue())


def _xlsx_value(column, value, language: str):
    if value is None or value == "":
        return None
    if type(value) in (datetime.date, datetime.datetime, int, Decimal):
        return value
    return cell_text(column, value, language)


_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _stable_zip(data: bytes) -> bytes:
    """The workbook without the times openpyxl and zipfile put in it."""
    stamp = datetime.datetime(*ZIP_TIME).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = _STAMP.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return out.getvalue()


def file_for(kind: str, rows: list[dict], stem: str) -> tuple[str, bytes]:
    """The file of `kind` holding `rows`, written as `FORMATS` says: (name, content)."""
    form, language, encoding = FORMATS[kind]
    if form == "xlsx":
        return f"{stem}.xlsx", xlsx_file(kind, rows, language=language)
    return f"{stem}.csv", csv_file(kind, rows, language=language, encoding=encoding)


# Seeding --------------------------------------------------------------------------------


def load_demo_operations(stdout=None, today: datetime.date | None = None) -> dict:
    """Import the demo's operational data up to yesterday, one file per kind, through the
    import itself. A kind with nothing new since the last run is left alone (no import
    is recorded). Returns the outcome of each kind."""
    from django.utils import timezone

    from assessments.imports import importing
    from lms.models.accounts import User

    today = today or timezone.localdate()
    existing = set(User.objects.values_list("username", flat=True))
    people = [person for person in demo_people() if person.number in existing]
    if not people:
        _say(stdout, "No demo staff: demo operational data not loaded.")
        return {}
    windows = seed_windows(today)
    operations = generate(people, windows, datetime.datetime.combine(today, datetime.time()))
    span = "-".join(quarter_name(start) for start, _end in windows)
    by = User.objects.filter(username=HR_USER).first()
    outcomes = {}
    for kind, label in LABELS.items():
        name, content = file_for(kind, operations.rows(kind), f"{kind}-{span}")
        check = importing.import_file(
            kind=kind, name=name, stream=io.BytesIO(content), dry_run=True
        )[1]
        if not check.ok:
            problems = "; ".join(p.message for p in check.problems[:5])
            raise RuntimeError(f"The demo {label} file {name} has problems: {problems}")
        if not (check.created or check.updated):
            _say(stdout, f"Demo {label} already imported: {check.unchanged} unchanged.")
            outcomes[kind] = check
            continue
        _batch, outcome = importing.import_file(
            kind=kind, name=name, stream=io.BytesIO(content), by=by
        )
        outcomes[kind] = outcome
        _say(
            stdout,
            f"Demo {label} imported from {name}: {outcome.created} new, "
            f"{outcome.updated} updated, {outcome.unchanged} unchanged.",
        )
    return outcomes


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


# The example files ----------------------------------------------------------------------


def example_files() -> dict[str, bytes]:
    """The files of `data/`, by name: a good file per kind for the third quarter of 2026,
    and two files with the mistakes that `data/README.md` lists."""
    people = demo_people()
    quarter = EXAMPLE_QUARTER
    operations = generate(people, [(quarter, quarter_end(quarter))], EXAMPLE_NOW)
    q = quarter_name(quarter)
    files = dict([file_for("roster", roster_rows(people), "roster")])
    for kind in LABELS:
        name, content = file_for(kind, operations.rows(kind), f"{kind}-{q}")
        files[name] = content
    files["surveys-with-errors.csv"] = _broken_surveys(operations.surveys[:9])
    files["efficiency-with-errors.csv"] = _broken_efficiency(operations.efficiency[:6])
    return files


def _broken_surveys(rows: list[dict]) -> bytes:
    """Nine surveys (lines 2 to 10), four of them wrong; see data/README.md."""
    rows = [dict(row) for row in rows]
    rows[1]["employee_number"] = "E9999"  # line 3: nobody
    rows[3]["date"] = "2026-09-31"  # line 5: no such day
    rows[4].update(score=Decimal(6), scale="1-5")  # line 6: out of its scale
    rows[7]["reference"] = rows[0]["reference"]  # line 9: repeats line 2
    return csv_file("surveys", rows, language="zh", encoding="utf-8-sig")


def _broken_efficiency(rows: list[dict]) -> bytes:
    """Six weeks of efficiency (lines 2 to 7), two of them wrong; see data/README.md."""
    rows = [dict(row) for row in rows]
    couriers = [i for i, row in enumerate(rows) if row["deliveries"] is not None]
    late = rows[couriers[1]]  # more on time than delivered
    late["deliveries_on_time"] = late["deliveries"] + 12
    rows[4]["period_end"] = rows[4]["period_end"].replace(month=6)  # ends before it starts
    return csv_file("efficiency", rows, language="en", encoding="utf-8")


def write_examples(folder: Path = DATA) -> list[Path]:
    folder.mkdir(exist_ok=True)
    written = []
    for name, content in example_files().items():
        path = folder / name
        path.write_bytes(content)
        written.append(path)
    return written


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write the demo's example import files.")
    parser.add_argument("--write", action="store_true", help=f"write them to {DATA}")
    parser.add_argument("--folder", type=Path, default=DATA)
    arguments = parser.parse_args()
    if not arguments.write:
        parser.error("nothing to do: add --write")
    for path in write_examples(arguments.folder):
        print(f"{path} ({path.stat().st_size:,} bytes)")
