"""The xAPI statements (assessments/xapi/statements.py): property-based, no database. The same
event always gives the same statement, two events never share an id, and every statement is
valid xAPI 1.0.3 (the tests against a real LRS, test_lrs.py, have Ralph check them too)."""

import dataclasses
import datetime
import json
import re
import uuid
from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from assessments.xapi import statements
from assessments.xapi.statements import (
    Activity,
    AttemptGraded,
    CertificateEarned,
    DrillScored,
    LessonCompleted,
    SessionAttended,
    Site,
)
from tests.strategies import texts

sites = st.builds(
    Site,
    home_page=st.sampled_from(
        ["http://testserver", "https://lms.example.com", "https://学习.example.cn:8443"]
    ),
    platform=st.sampled_from(["Courier LMS", "迅捷快递培训"]),
)
ids = st.integers(min_value=1, max_value=2**31)
people = st.from_regex(r"[A-Z][0-9]{4,6}", fullmatch=True)
names = texts(min_size=1, max_size=20).map(str.strip).filter(bool)
moments = st.datetimes(
    min_value=datetime.datetime(2020, 1, 1),
    max_value=datetime.datetime(2035, 12, 31),
    timezones=st.sampled_from([datetime.UTC, datetime.timezone(datetime.timedelta(hours=8))]),
)


@st.composite
def activities(draw, kind):
    path = draw(st.from_regex(r"/[a-z0-9-]{1,12}(/[a-z0-9-]{1,12}){0,3}/", fullmatch=True))
    name = draw(names)
    english = draw(st.one_of(st.just(""), st.just(name), names))
    return Activity("https://lms.example.com" + path, kind, name, english)


courses = st.one_of(st.none(), activities(statements.COURSE))


@st.composite
def attempts(draw):
    top = draw(st.decimals(min_value=0, max_value=200, places=2))
    score = draw(st.decimals(min_value=0, max_value=max(top, Decimal(0)), places=2))
    percent = (score / top * 100).quantize(Decimal("0.1")) if top else Decimal(100)
    return AttemptGraded(
        user_id=draw(ids),
        person=draw(people),
        attempt_id=draw(ids),
        attempt_number=draw(st.integers(min_value=1, max_value=20)),
        quiz=draw(activities(statements.ASSESSMENT)),
        course=draw(courses),
        score=score,
        max_score=top,
        percent=percent,
        passed=draw(st.booleans()),
        at=draw(moments),
    )


events = st.one_of(
    st.builds(
        LessonCompleted,
        user_id=ids,
        person=people,
        lesson_id=ids,
        lesson=activities(statements.LESSON),
        course=courses,
        at=moments,
    ),
    attempts(),
    st.builds(
        SessionAttended,
        user_id=ids,
        person=people,
        session_id=ids,
        session=activities(statements.MEETING),
        course=courses,
        at=moments,
    ),
    st.builds(
        DrillScored,
        user_id=ids,
        person=people,
        evaluation_id=ids,
        drill=activities(statements.PERFORMANCE),
        session=activities(statements.MEETING),
        percent=st.decimals(min_value=0, max_value=100, places=1),
        at=moments,
    ),
    st.builds(
        CertificateEarned,
        user_id=ids,
        person=people,
        certificate_id=ids,
        certificate=activities(statements.CERTIFICATE),
        course=courses,
        at=moments,
    ),
)


# What xAPI 1.0.3 asks of the statements we make ---------------------------------------------

IRI = re.compile(r"^https?://[^\s/]+(/\S*)?$")
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
VERBS = {
    LessonCompleted: {statements.COMPLETED},
    AttemptGraded: {statements.PASSED, statements.FAILED},
    SessionAttended: {statements.ATTENDED},
    DrillScored: {statements.SCORED},
    CertificateEarned: {statements.EARNED},
}


def language_map(value) -> None:
    assert isinstance(value, dict) and value
    for tag, text in value.items():
        assert LANGUAGE_TAG.match(tag), tag
        assert isinstance(text, str) and text.strip(), value


def activity(value) -> None:
    assert value["objectType"] == "Activity"
    assert IRI.match(value["id"]), value["id"]
    assert IRI.match(value["definition"]["type"])
    language_map(value["definition"]["name"])
    assert set(value["definition"]["name"]) == {"zh-CN", "en-US"}


def no_empty_values(value, where="") -> None:
    """xAPI's rule (as Ralph checks it): no empty string, object or null, but in extensions."""
    if isinstance(value, dict):
        assert value, where
        for key, item in value.items():
            if key != "extensions":
                no_empty_values(item, f"{where}.{key}")
    elif isinstance(value, list):
        assert value, where
        for item in value:
            no_empty_values(item, where)
    else:
        assert value not in (None, ""), where


def valid(made: dict, event) -> None:
    assert set(made) <= {"id", "actor", "verb", "object", "result", "context", "timestamp"}
    assert uuid.UUID(made["id"]).version == 5
    assert made["actor"] == {
        "objectType": "Agent",
        "account": {"homePage": made["actor"]["account"]["homePage"], "name": event.person},
    }
    assert IRI.match(made["actor"]["account"]["homePage"])
    assert made["verb"]["id"] in VERBS[type(event)]
    language_map(made["verb"]["display"])
    activity(made["object"])
    for parent in made["context"].get("contextActivities", {}).get("parent", []):
        activity(parent)
    language = made["context"]["language"]
    assert LANGUAGE_TAG.match(language)
    assert TIMESTAMP.match(made["timestamp"])
    assert datetime.datetime.fromisoformat(made["timestamp"]) == event.at.replace(
        microsecond=event.at.microsecond // 1000 * 1000
    )
    score = made.get("result", {}).get("score")
    if score is not None:
        assert -1 <= score["scaled"] <= 1
        if "raw" in score:
            assert score["min"] < score["max"]
            assert score["min"] <= score["raw"] <= score["max"]
    no_empty_values(made)
    assert json.loads(json.dumps(made)) == made  # plain JSON, as the LRS receives it


@given(sites, events)
def test_every_statement_is_valid_xapi(site, event):
    valid(statements.statement(site, event), event)


@given(sites, events)
def test_the_same_event_always_gives_the_same_statement(site, event):
    again = dataclasses.replace(event)  # an equal event, built anew
    assert statements.statement(site, again) == statements.statement(site, event)
    assert statements.statement_id(site, again) == statements.statement_id(site, event)


@given(sites, events, events)
def test_two_events_never_share_a_statement_id(site, one, other):
    same_event = (one.KIND, one.identity()) == (other.KIND, other.identity())
    assert (statements.statement_id(site, one) == statements.statement_id(site, other)) == (
        same_event
    )


@given(sites, events)
def test_another_person_or_object_is_another_statement(site, event):
    for field in dataclasses.fields(event):
        if field.name.endswith("_id"):
            other = dataclasses.replace(event, **{field.name: getattr(event, field.name) + 1})
            assert statements.statement_id(site, other) != statements.statement_id(site, event)


@given(sites, events)
def test_an_event_told_again_at_the_same_instant_in_another_time_zone_is_the_same(site, event):
    new_york = datetime.timezone(datetime.timedelta(hours=-5))
    moved = dataclasses.replace(event, at=event.at.astimezone(new_york))
    assert statements.statement_id(site, moved) == statements.statement_id(site, event)


@given(sites, sites, events)
def test_two_sites_never_share_a_statement_id(site, other_site, event):
    assume(site.home_page != other_site.home_page)
    assert statements.statement_id(site, event) != statements.statement_id(other_site, event)


@given(sites, events)
def test_the_actor_is_the_employee_number_on_the_site_home_page(site, event):
    made = statements.statement(site, event)
    assert made["actor"]["account"] == {"homePage": site.home_page, "name": event.person}
    assert made["context"]["platform"] == site.platform


@given(sites, attempts())
def test_a_quiz_attempt_says_passed_or_failed_with_its_score(site, event):
    made = statements.statement(site, event)
    assert made["verb"]["id"] == (statements.PASSED if event.passed else statements.FAILED)
    assert made["result"]["success"] is event.passed
    assert made["result"]["completion"] is True
    score = made["result"]["score"]
    assert Decimal(str(score["scaled"])) == event.percent / 100
    if event.max_score > 0:
        assert Decimal(str(score["raw"])) == event.score
        assert (score["min"], Decimal(str(score["max"]))) == (0, event.max_score)
    else:  # nothing to score out of: xAPI has no range where min == max
        assert "raw" not in score and "max" not in score


def test_a_drill_score_is_its_rubric_percentage():
    at = datetime.datetime(2026, 11, 20, 9, 30, tzinfo=datetime.UTC)
    drill_url = "http://testserver/training/drills/drill-1/"
    drill = Activity(drill_url, statements.PERFORMANCE, "演练", "")
    session = Activity("http://testserver/learning/sessions/7/", statements.MEETING, "课堂", "")
    event = DrillScored(3, "E1001", 11, drill, session, Decimal("87.5"), at)
    made = statements.statement(Site("http://testserver", "Courier LMS"), event)
    assert made["result"] == {"score": {"scaled": 0.875, "raw": 87.5, "min": 0, "max": 100}}
    assert made["object"]["definition"]["name"] == {"zh-CN": "演练", "en-US": "演练"}
    assert made["context"]["contextActivities"]["parent"][0]["id"] == session.id
    assert made["timestamp"] == "2026-11-20T09:30:00.000Z"
