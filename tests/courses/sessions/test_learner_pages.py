"""The learner's side of live training: sessions, sign-ups, calendars and drill results."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from courses.drills.services import rubric_version_record
from courses.models import (
    DrillEvaluation,
    DrillIndexPage,
    DrillPage,
    SessionKind,
    SessionState,
    SignUp,
    SignUpStatus,
)
from courses.sessions import services
from tests.factories import at, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def drill(index):
    training = index.get_parent()
    drill_index = DrillIndexPage(title="实操演练", slug="drills")
    training.add_child(instance=drill_index)
    level = [
        {"label": label, "descriptor": text, "points": points}
        for label, text, points in (
            ("优秀", "先道歉再核实,全程耐心", "4"),
            ("合格", "有道歉,核实不全", "2"),
            ("不合格", "未道歉", "0"),
        )
    ]
    page = DrillPage(
        title="客户投诉演练",
        slug="complaint",
        module="service",
        scenario="<p>客户来电投诉快件延误。</p>",
        objectives="安抚客户\n24小时内回复",
        steps="接听\n道歉\n核实",
        materials="电话\n投诉登记表",
        roles=[{"type": "role", "value": {"name": "客户", "brief": "很生气"}}],
        rubric=[
            {
                "type": "criterion",
                "value": {"name": name, "description": "", "weight": weight, "levels": level},
            }
            for name, weight in (("道歉", "1"), ("核实", "3"))
        ],
    )
    drill_index.add_child(instance=page)
    rubric_version_record(page)
    return page


def drill_session(drill, trainer, **fields):
    return make_session(
        trainer,
        kind=SessionKind.DRILL,
        title="投诉演练场次",
        drill=drill,
        rubric_version=drill.rubric_versions.get(),
        **fields,
    )


def signup(session, profile):
    return services.signup_create(session=session, user=profile.user)


# Signing up and the waiting list ---------------------------------------------------------


def test_signing_up_while_places_remain_confirms(people, login):
    session = make_session(people["trainer"], capacity=2)
    client = login(people["learner"])
    response = client.post(reverse("sessions:session_signup", args=[session.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("sessions:session_detail", args=[session.pk])
    found = SignUp.objects.get(session=session, user=people["learner"].user)
    assert found.status == SignUpStatus.CONFIRMED
    assert "已确认" in response.content.decode() or "Confirmed" in response.content.decode()


def test_a_full_session_puts_people_on_the_waiting_list_with_their_place(people, login):
    session = make_session(people["trainer"], capacity=1)
    signup(session, people["colleague"])
    signup(session, people["xihu"])  # waiting, place 1
    client = login(people["learner"])
    client.post(reverse("sessions:session_signup", args=[session.pk]))
    mine = SignUp.objects.get(session=session, user=people["learner"].user)
    assert mine.status == SignUpStatus.WAITING
    assert services.waiting_place(mine) == 2
    with timezone.override("Asia/Shanghai"):
        page = client.get(reverse("sessions:session_detail", args=[session.pk]))
    row = page.context["row"]
    assert row.status == SignUpStatus.WAITING and row.waiting_place == 2
    assert row.may_cancel and not row.may_sign_up


def test_cancelling_moves_the_first_waiting_person_up(people, login):
    session = make_session(people["trainer"], capacity=1)
    signup(session, people["learner"])
    signup(session, people["colleague"])
    signup(session, people["xihu"])
    client = login(people["learner"])
    response = client.post(reverse("sessions:session_cancel", args=[session.pk]))
    assert response.status_code == 302
    statuses = dict(SignUp.objects.filter(session=session).values_list("user", "status"))
    assert statuses[people["learner"].user.pk] == SignUpStatus.CANCELLED
    assert statuses[people["colleague"].user.pk] == SignUpStatus.CONFIRMED
    assert statuses[people["xihu"].user.pk] == SignUpStatus.WAITING
    page = login(people["xihu"]).get(reverse("sessions:session_detail", args=[session.pk]))
    assert page.context["row"].waiting_place == 1


def test_someone_outside_the_audience_cannot_sign_up(people, org, login):
    session = make_session(people["trainer"], audience_units=[org["south"]])
    client = login(people["learner"])
    assert session not in [r.session for r in _listed(client)]
    response = client.post(reverse("sessions:session_signup", args=[session.pk]), follow=True)
    assert not SignUp.objects.exists()
    (message,) = response.context["messages"]
    assert message.level_tag == "error"
    assert not response.context["row"].may_sign_up
    # …while the south's staff can.
    login(people["south"]).post(reverse("sessions:session_signup", args=[session.pk]))
    assert SignUp.objects.get().user == people["south"].user


def test_a_started_session_refuses_sign_up(people, login):
    now = timezone.now()
    session = make_session(people["trainer"], starts_at=now - datetime.timedelta(minutes=5))
    client = login(people["learner"])
    response = client.post(reverse("sessions:session_signup", args=[session.pk]), follow=True)
    assert response.status_code == 200
    assert not SignUp.objects.exists()
    assert list(response.context["messages"])
    assert session not in [r.session for r in _listed(client)]


def test_a_cancelled_session_refuses_sign_up(people, login):
    session = make_session(people["trainer"], state=SessionState.CANCELLED)
    login(people["learner"]).post(reverse("sessions:session_signup", args=[session.pk]))
    assert not SignUp.objects.exists()


def test_sign_up_and_cancel_need_a_post_and_a_login(people, client):
    session = make_session(people["trainer"])
    url = reverse("sessions:session_signup", args=[session.pk])
    assert client.post(url).status_code == 302  # to the sign-in page
    assert not SignUp.objects.exists()
    client.force_login(people["learner"].user)
    assert client.get(url).status_code == 405


# The list ---------------------------------------------------------------------------------


def _listed(client, query=""):
    response = client.get(reverse("sessions:session_list") + query)
    assert response.status_code == 200
    return [row for _day, rows in response.context["days"] for row in rows]


def test_the_list_is_grouped_by_day_and_filtered(people, login, course):
    trainer = people["trainer"]
    first = make_session(trainer, starts_at=at(1, 9))
    second = make_session(trainer, starts_at=at(1, 14), kind=SessionKind.SHARING, course=course)
    third = make_session(trainer, starts_at=at(3, 9))
    make_session(trainer, starts_at=at(2), state=SessionState.CANCELLED)
    make_session(trainer, starts_at=at(-2))
    client = login(people["learner"])
    response = client.get(reverse("sessions:session_list"))
    days = response.context["days"]
    assert [[row.session for row in rows] for _day, rows in days] == [[first, second], [third]]
    assert [r.session for r in _listed(client, "?kind=sharing")] == [second]
    assert [r.session for r in _listed(client, f"?course={course.pk}")] == [second]
    assert [r.session for r in _listed(client, "?kind=nonsense&course=x")] == [
        first,
        second,
        third,
    ]


def test_the_list_shows_places_left_and_the_waiting_list(people, login):
    session = make_session(people["trainer"], capacity=1)
    client = login(people["learner"])
    (row,) = _listed(client)
    assert row.places_left == 1 and not row.full
    signup(session, people["colleague"])
    (row,) = _listed(client)
    assert row.full and row.may_sign_up
    signup(session, people["learner"])
    (row,) = _listed(client)
    assert row.status == SignUpStatus.WAITING and row.waiting_place == 1


def _many_sessions(people, count):
    for n in range(count):
        session = make_session(people["trainer"], capacity=1, starts_at=at(1 + n % 3, 8 + n))
        signup(session, people["colleague"])
        signup(session, people["learner"])  # waiting


@pytest.mark.parametrize("count", [2, 8])
def test_the_list_runs_a_fixed_number_of_queries(
    people, login, django_assert_max_num_queries, count
):
    _many_sessions(people, count)
    client = login(people["learner"])
    client.get(reverse("sessions:session_list"))  # warm the session and the user
    with django_assert_max_num_queries(8):
        rows = _listed(client)
    assert len(rows) == count


@pytest.mark.parametrize("count", [2, 8])
def test_my_sessions_runs_a_fixed_number_of_queries(
    people, login, django_assert_max_num_queries, count
):
    _many_sessions(people, count)
    client = login(people["learner"])
    client.get(reverse("sessions:my_sessions"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("sessions:my_sessions"))
    assert len(response.context["mine"].upcoming) == count
    assert all(item.waiting_place == 1 for item in response.context["mine"].upcoming)


def test_my_sessions_shows_attendance_and_status(people, login):
    trainer = people["trainer"]
    past = make_session(trainer, starts_at=at(-3))
    SignUp.objects.create(
        session=past,
        user=people["learner"].user,
        status=SignUpStatus.CONFIRMED,
        queued_at=at(-5),
        attendance="present",
    )
    coming = make_session(trainer)
    signup(coming, people["learner"])
    response = login(people["learner"]).get(reverse("sessions:my_sessions"))
    mine = response.context["mine"]
    assert [item.session for item in mine.upcoming] == [coming]
    assert [item.session for item in mine.past] == [past]
    assert "出席" in response.content.decode() or "Present" in response.content.decode()


# Calendars ------------------------------------------------------------------------------


def test_a_sessions_calendar_file(people, login):
    session = make_session(people["trainer"], starts_at=at(2, 9), hours=2, description="带笔")
    response = login(people["learner"]).get(reverse("sessions:session_ics", args=[session.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["method"]) == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert event["dtstart"].dt == session.starts_at
    assert event["dtstart"].dt.utcoffset() == datetime.timedelta(0)
    assert event["dtstart"].dt.hour == 1  # 09:00 in Shanghai
    assert event["dtend"].dt == session.ends_at
    assert str(event["location"]) == "浦东站二楼培训室"
    assert str(event["summary"]) == "投诉处理课堂"
    assert "带笔" in str(event["description"])
    assert str(event["uid"]).startswith(f"training-session-{session.pk}@")
    assert event["organizer"].params["cn"] == "林海峰"
    assert str(event["status"]) == "CONFIRMED"
    # The same UID each time: a calendar updates the event instead of adding another.
    again = Calendar.from_ical(
        login(people["colleague"]).get(reverse("sessions:session_ics", args=[session.pk])).content
    )
    assert str(again.walk("VEVENT")[0]["uid"]) == str(event["uid"])


def test_my_calendar_has_my_sessions_and_cancelled_ones_struck_out(people, login):
    trainer = people["trainer"]
    kept = make_session(trainer, starts_at=at(2))
    called_off = make_session(trainer, starts_at=at(3))
    left = make_session(trainer, starts_at=at(4))
    old = make_session(trainer, starts_at=at(-60))
    make_session(trainer, starts_at=at(5))  # not signed up
    for session in (kept, called_off, left):
        signup(session, people["learner"])
    SignUp.objects.create(
        session=old, user=people["learner"].user, status="confirmed", queued_at=at(-61)
    )
    services.signup_cancel(session=left, user=people["learner"].user)
    services.session_cancel(session=called_off, by=trainer.user)
    response = login(people["learner"]).get(reverse("sessions:my_sessions_ics"))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    by_uid = {str(e["uid"]).split("@")[0]: str(e["status"]) for e in events}
    assert by_uid == {
        f"training-session-{kept.pk}": "CONFIRMED",
        f"training-session-{called_off.pk}": "CANCELLED",
    }


# Drills -----------------------------------------------------------------------------------


def _evaluated(drill, people, profile, points):
    trainer = people["trainer"]
    session = drill_session(drill, trainer, starts_at=timezone.now() + datetime.timedelta(hours=1))
    signup(session, profile)
    version = session.rubric_version.rubric
    keys = [c.key for c in version.criteria]
    for key, given in zip(keys, points, strict=False):
        services.evaluation_score(
            session=session,
            participant=profile.user,
            criterion=key,
            points=given,
            note=f"备注{given}",
            by=trainer.user,
        )
    return services.evaluation_comment(
        session=session, participant=profile.user, comment="整体不错", by=trainer.user
    )


def test_my_drill_result_shows_the_rubric_with_my_levels(people, login, drill):
    evaluation = _evaluated(drill, people, people["learner"], ["4", "2"])
    client = login(people["learner"])
    listing = client.get(reverse("sessions:my_drill_results"))
    assert list(listing.context["evaluations"]) == [evaluation]
    response = client.get(reverse("sessions:drill_result", args=[evaluation.pk]))
    assert response.status_code == 200
    result = response.context["result"]
    # 100 * (1 * 4/4 + 3 * 2/4) / 4 = 62.5
    assert str(result.percent) == "62.5"
    assert [c.level.label for c in result.criteria] == ["优秀", "合格"]
    assert [c.note for c in result.criteria] == ["备注4", "备注2"]
    chosen = [[cell.chosen for cell in c.levels] for c in result.criteria]
    assert chosen == [[True, False, False], [False, True, False]]
    html = response.content.decode()
    assert "整体不错" in html and "有道歉,核实不全" in html and "林海峰" in html
    assert response.context["evidence_url"] is None  # no evidence file


def test_an_incomplete_drill_result_is_being_scored(people, login, drill):
    evaluation = _evaluated(drill, people, people["learner"], ["4"])
    response = login(people["learner"]).get(reverse("sessions:drill_result", args=[evaluation.pk]))
    assert response.context["result"].percent is None
    assert response.context["result"].scored == 1


def test_another_persons_drill_result_is_not_found(people, login, drill):
    theirs = _evaluated(drill, people, people["colleague"], ["4", "4"])
    client = login(people["learner"])
    assert client.get(reverse("sessions:drill_result", args=[theirs.pk])).status_code == 404
    assert list(client.get(reverse("sessions:my_drill_results")).context["evaluations"]) == []
    assert DrillEvaluation.objects.count() == 1


def test_the_drill_pages_show_the_rubric_and_link_to_sessions(people, login, drill):
    client = login(people["learner"])
    response = client.get(drill.url)
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("客户来电投诉快件延误", "安抚客户", "很生气", "投诉登记表", "先道歉再核实"):
        assert text in html
    assert reverse("sessions:session_list") + f"?drill={drill.pk}" in html
    index = client.get(drill.get_parent().url)
    assert index.status_code == 200 and "客户投诉演练" in index.content.decode()


def test_the_drill_session_list_filter(people, login, drill):
    session = drill_session(drill, people["trainer"])
    make_session(people["trainer"])
    client = login(people["learner"])
    assert [r.session for r in _listed(client, f"?drill={drill.pk}")] == [session]


def test_pages_need_a_login(client, people):
    session = make_session(people["trainer"])
    for url in (
        reverse("sessions:session_list"),
        reverse("sessions:session_detail", args=[session.pk]),
        reverse("sessions:session_ics", args=[session.pk]),
        reverse("sessions:my_sessions"),
        reverse("sessions:my_sessions_ics"),
        reverse("sessions:my_drill_results"),
    ):
        assert client.get(url).status_code == 302, url


def test_every_learner_page_renders(people, login, drill):
    session = drill_session(drill, people["trainer"])
    signup(session, people["learner"])
    client = login(people["learner"])
    for url in (
        reverse("sessions:session_list"),
        reverse("sessions:session_detail", args=[session.pk]),
        reverse("sessions:my_sessions"),
        reverse("sessions:my_drill_results"),
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("sessions:session_detail", args=[99999])).status_code == 404
