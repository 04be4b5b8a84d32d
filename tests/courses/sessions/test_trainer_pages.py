"""The trainer's side in the room: attendance, the check-in code and scoring a drill."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.formats import date_format

from courses.drills.rubrics import Criterion, Level, Rubric, score
from courses.models import (
    DrillEvaluation,
    DrillIndexPage,
    DrillPage,
    RubricVersion,
    SignUp,
)
from courses.sessions import services
from lms.roles import Role
from tests import factories
from tests.factories import make_session

pytestmark = pytest.mark.django_db

D = Decimal
RUBRIC = Rubric(
    (
        Criterion(
            key="talk",
            name="沟通",
            description="是否先致歉、复述问题",
            weight=D(2),
            levels=(
                Level("差", "未致歉", D(0)),
                Level("中", "致歉", D(1)),
                Level("好", "复述", D(2)),
            ),
        ),
        Criterion(
            key="steps",
            name="流程",
            description="",
            weight=D(1),
            levels=(Level("未完成", "", D(0)), Level("完成", "按流程登记", D(3))),
        ),
    )
)


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


# The sessions here: under way in this room, from ten minutes before `now` for an hour.
ROOM = {"place": "浦东站二楼", "capacity": 10, "hours": 1}
TEN_MINUTES = datetime.timedelta(minutes=10)


def confirm(session, *profiles, status="confirmed"):
    for profile in profiles:
        SignUp.objects.create(
            session=session, user=profile.user, status=status, queued_at=timezone.now()
        )


@pytest.fixture
def session(people, now):
    session = make_session(
        people["trainer"].user, starts_at=now - TEN_MINUTES, title="客服课堂", **ROOM
    )
    confirm(session, people["learner"], people["colleague"])
    return session


@pytest.fixture
def drill_session(people, now):
    from lms.models import HomePage

    home = HomePage.objects.first()
    training = factories.training_site().get_parent().specific
    assert training.get_parent().pk == home.pk
    drills = DrillIndexPage(title="演练", slug="drills")
    training.add_child(instance=drills)
    criterion = {
        "name": "沟通",
        "description": "",
        "weight": "1",
        "levels": [
            {"label": "差", "descriptor": "未致歉", "points": "0"},
            {"label": "好", "descriptor": "致歉", "points": "2"},
        ],
    }
    drill = DrillPage(
        title="投诉处理演练",
        slug="complaint",
        module="service",
        scenario="<p>客户来电投诉。</p>",
        objectives="安抚客户",
        steps="接听\n致歉",
        rubric=[("criterion", criterion)],
    )
    drills.add_child(instance=drill)
    version = RubricVersion.objects.create(
        drill=None, drill_title=drill.title, number=1, criteria=RUBRIC.to_json(), digest="x"
    )
    session = make_session(
        people["trainer"].user,
        starts_at=now - TEN_MINUTES,
        kind="drill",
        title="投诉处理演练 第一场",
        drill=drill,
        rubric_version=version,
        **ROOM,
    )
    confirm(session, people["learner"], people["colleague"])
    return session


def attendance_url(session):
    return f"/learning/sessions/{session.pk}/attendance/"


def signup_of(session, profile):
    return SignUp.objects.get(session=session, user=profile.user)


# Who may open the pages --------------------------------------------------------------------


def test_learners_and_other_trainers_cannot_open_the_room_pages(
    drill_session, people, login, make_staff, client
):
    other = make_staff("xihu", roles=[Role.LEARNER, Role.TRAINER], name="另一位", number="TR02")
    learner_id = people["learner"].user.pk
    urls = [
        attendance_url(drill_session),
        f"/learning/sessions/{drill_session.pk}/code/",
        f"/learning/sessions/{drill_session.pk}/code.json",
        f"/learning/sessions/{drill_session.pk}/scoring/",
        f"/learning/sessions/{drill_session.pk}/scoring/{learner_id}/",
    ]
    for who in (people["learner"], other):
        login(who)
        for url in urls:
            assert client.get(url).status_code == 403, (who, url)
        response = client.post(
            f"/learning/sessions/{drill_session.pk}/scoring/{learner_id}/criterion/",
            {"criterion": "talk", "points": "2"},
        )
        assert response.status_code == 403
        response = client.post(
            attendance_url(drill_session), {"action": "present", "user": learner_id}
        )
        assert response.status_code == 403
    assert client.get("/learning/sessions/run/").status_code == 200  # another trainer's list
    login(people["learner"])
    assert client.get("/learning/sessions/run/").status_code == 403
    assert signup_of(drill_session, people["learner"]).attendance == ""


def test_the_list_of_sessions_to_run_shows_the_trainers_own(
    session, people, login, now, no_mfa_enforcement
):
    someone_else = factories.staff(
        people["trainer"].org_unit, roles=[Role.TRAINER], name="别人", number="TR03"
    )
    make_session(someone_else.user, starts_at=now - TEN_MINUTES, title="别人的课", **ROOM)
    make_session(
        people["trainer"].user,
        starts_at=now + datetime.timedelta(days=3) - TEN_MINUTES,
        title="下周的课",
        **ROOM,
    )
    make_session(
        people["trainer"].user,
        starts_at=now - datetime.timedelta(days=30) - TEN_MINUTES,
        title="很久以前",
        **ROOM,
    )
    html = login(people["trainer"]).get("/learning/sessions/run/").content.decode()
    assert "客服课堂" in html and "下周的课" in html
    assert "别人的课" not in html and "很久以前" not in html
    assert html.index("客服课堂") < html.index("下周的课")
    assert f"/learning/sessions/{session.pk}/attendance/" in html
    admin_html = login(people["admin"]).get("/learning/sessions/run/").content.decode()
    assert "别人的课" in admin_html


# Attendance on the list ----------------------------------------------------------------------


def test_the_trainer_ticks_present_and_absent(session, people, login):
    client = login(people["trainer"])
    page = client.get(attendance_url(session))
    assert page.status_code == 200
    assert "王喆" in page.content.decode() and "李堃" in page.content.decode()
    learner = people["learner"].user
    response = client.post(attendance_url(session), {"action": "present", "user": learner.pk})
    assert response.status_code == 302
    signup = signup_of(session, people["learner"])
    assert (signup.attendance, signup.check_in_method) == ("present", "list")
    assert signup.checked_in_at is not None
    client.post(attendance_url(session), {"action": "absent", "user": people["colleague"].user.pk})
    assert signup_of(session, people["colleague"]).attendance == "absent"
    counts = client.get(attendance_url(session)).context["counts"]
    assert (counts.present, counts.absent, counts.unknown) == (1, 1, 0)


def test_closing_attendance_records_the_no_shows(session, people, login):
    confirm(session, people["xihu"])
    client = login(people["trainer"])
    client.post(attendance_url(session), {"action": "present", "user": people["learner"].user.pk})
    client.post(attendance_url(session), {"action": "close"})
    assert signup_of(session, people["learner"]).attendance == "present"
    assert signup_of(session, people["colleague"]).attendance == "absent"
    assert signup_of(session, people["xihu"]).attendance == "absent"


def test_a_walk_in_is_added_by_employee_number(session, people, login):
    client = login(people["trainer"])
    client.post(attendance_url(session), {"action": "walk_in", "employee_number": "L003"})
    signup = signup_of(session, people["xihu"])
    assert (signup.status, signup.attendance, signup.check_in_method) == (
        "confirmed",
        "present",
        "list",
    )
    response = client.post(
        attendance_url(session), {"action": "walk_in", "employee_number": "NOPE"}, follow=True
    )
    assert "NOPE" in response.content.decode()


# Checking in with the room's code ------------------------------------------------------------


def test_the_rooms_code_checks_in_the_signed_in_learner(session, people, login):
    client = login(people["trainer"])
    page = client.get(f"/learning/sessions/{session.pk}/code/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "客服课堂" in html and 'http-equiv="refresh"' in html
    data = client.get(f"/learning/sessions/{session.pk}/code.json").json()
    assert data["svg"].startswith("<svg") and 0 < data["expires_in"] <= 30
    assert data["checked_in"] == 0
    url = page.context["code"]["url"]
    assert url.startswith("http://testserver/learning/check-in/?code=")
    code = url.split("?code=", 1)[1]

    client = login(people["learner"])
    confirm_page = client.get(f"/learning/check-in/?code={code}")
    assert confirm_page.status_code == 200
    # the confirmation names the session: its title, date, time and place
    session.refresh_from_db()
    local = timezone.localtime(session.starts_at)
    day, hours = date_format(local, "DATE_FORMAT"), f">{local:%H:%M}</time>\u2013"
    confirm = confirm_page.content.decode()
    assert f"<h2>{session.title}</h2>" in confirm
    assert day in confirm and hours in confirm
    assert session.place in confirm
    assert signup_of(session, people["learner"]).attendance == ""  # a GET changes nothing
    response = client.post("/learning/check-in/", {"code": code})
    assert response.status_code == 200
    done = response.content.decode()
    assert f"“{session.title}”" in done and day in done and hours in done
    signup = signup_of(session, people["learner"])
    assert (signup.attendance, signup.check_in_method) == ("present", "qr")
    assert signup_of(session, people["colleague"]).attendance == ""  # only the one signed in
    login(people["trainer"])
    assert client.get(f"/learning/sessions/{session.pk}/code.json").json()["checked_in"] == 1


def test_an_expired_code_is_refused(session, people, login):
    code = services.check_in_token(session, at=timezone.now() - datetime.timedelta(minutes=2))
    response = login(people["learner"]).post("/learning/check-in/", {"code": code})
    assert response.status_code == 400
    assert "过期" in response.content.decode() or "expired" in response.content.decode()
    assert signup_of(session, people["learner"]).attendance == ""


def test_a_code_in_the_future_is_refused_when_time_moves_on(session, people, login, monkeypatch):
    code = services.check_in_token(session)
    later = timezone.now() + datetime.timedelta(minutes=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = login(people["learner"]).post("/learning/check-in/", {"code": code})
    assert response.status_code == 400
    assert signup_of(session, people["learner"]).attendance == ""


def test_a_code_of_another_session_or_tampered_is_refused(session, people, login, now):
    other = make_session(
        people["trainer"].user, starts_at=now - TEN_MINUTES, title="另一场", **ROOM
    )
    client = login(people["learner"])
    response = client.post("/learning/check-in/", {"code": services.check_in_token(other)})
    assert response.status_code == 400
    assert not SignUp.objects.filter(session=other).exists()
    value, signature = services.check_in_token(session).rsplit(":", 1)
    step = value.split(".")[1]
    for code in (f"{other.pk}.{step}:{signature}", "garbage", "%00%ff", "1.2.3:x", "x" * 5000):
        response = client.post("/learning/check-in/", {"code": code})
        assert response.status_code == 400, code
    assert client.get("/learning/check-in/?code=%ff%fe").status_code == 200
    assert client.get("/learning/check-in/").status_code == 200
    assert signup_of(session, people["learner"]).attendance == ""


def test_a_learner_without_a_confirmed_place_is_refused(session, people, login):
    confirm(session, people["xihu"], status="waiting")
    code = services.check_in_token(session)
    for who in ("xihu", "south"):
        response = login(people[who]).post("/learning/check-in/", {"code": code})
        assert response.status_code == 400
    assert signup_of(session, people["xihu"]).attendance == ""
    assert not SignUp.objects.filter(session=session, user=people["south"].user).exists()


def test_checking_in_needs_signing_in(session, client):
    code = services.check_in_token(session)
    response = client.get(f"/learning/check-in/?code={code}")
    assert response.status_code == 302
    assert "/accounts/" in response["Location"] and "check-in" in response["Location"]


# Scoring a drill -----------------------------------------------------------------------------


def criterion_url(session, profile):
    return f"/learning/sessions/{session.pk}/scoring/{profile.user.pk}/criterion/"


def test_only_drill_sessions_have_a_scoring_page(session, people, login):
    client = login(people["trainer"])
    assert client.get(f"/learning/sessions/{session.pk}/scoring/").status_code == 404


def test_scores_are_saved_criterion_by_criterion(drill_session, people, login):
    client = login(people["trainer"])
    sheet = client.get(f"/learning/sessions/{drill_session.pk}/scoring/")
    assert sheet.status_code == 200
    assert [(r.scored, r.total, r.percent) for r in sheet.context["rows"]] == [(0, 2, None)] * 2
    page = client.get(
        f"/learning/sessions/{drill_session.pk}/scoring/{people['learner'].user.pk}/"
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="points-talk"' in html and "是否先致歉" in html and "按流程登记" in html

    url = criterion_url(drill_session, people["learner"])
    data = client.post(url, {"criterion": "talk", "points": "1", "note": "致歉及时"}).json()
    assert data == {"saved": True, "percent": None, "scored": 1}
    data = client.post(url, {"criterion": "steps", "points": "3"}).json()
    expected = score(RUBRIC, {"talk": "1", "steps": "3"}).percent
    assert data == {"saved": True, "percent": str(expected), "scored": 2}
    evaluation = DrillEvaluation.objects.get(session=drill_session, user=people["learner"].user)
    assert evaluation.points == {"talk": "1", "steps": "3"}
    assert evaluation.notes == {"talk": "致歉及时"}
    assert evaluation.percent == expected == D("66.7")
    rows = client.get(f"/learning/sessions/{drill_session.pk}/scoring/").context["rows"]
    (row,) = [r for r in rows if r.user.pk == people["learner"].user.pk]
    assert (row.scored, row.total, row.percent) == (2, 2, expected)


def test_an_invalid_level_is_refused_and_changes_nothing(drill_session, people, login):
    client = login(people["trainer"])
    url = criterion_url(drill_session, people["learner"])
    client.post(url, {"criterion": "talk", "points": "2"})
    for data in ({"criterion": "talk", "points": "7"}, {"criterion": "nope", "points": "1"}):
        response = client.post(url, data)
        assert response.status_code == 400
        assert response.json()["saved"] is False and response.json()["error"]
    evaluation = DrillEvaluation.objects.get(session=drill_session, user=people["learner"].user)
    assert evaluation.points == {"talk": "2"}


def test_someone_not_in_the_session_cannot_be_scored(drill_session, people, login):
    client = login(people["trainer"])
    url = criterion_url(drill_session, people["south"])
    assert client.post(url, {"criterion": "talk", "points": "2"}).status_code == 404
    assert not DrillEvaluation.objects.filter(user=people["south"].user).exists()


def test_the_whole_form_saves_without_javascript(drill_session, people, login):
    client = login(people["trainer"])
    url = f"/learning/sessions/{drill_session.pk}/scoring/{people['learner'].user.pk}/"
    response = client.post(
        url,
        {
            "points-talk": "2",
            "note-talk": "很好",
            "points-steps": "0",
            "note-steps": "",
            "comment": "整体不错",
        },
    )
    assert response.status_code == 302
    evaluation = DrillEvaluation.objects.get(session=drill_session, user=people["learner"].user)
    assert evaluation.points == {"talk": "2", "steps": "0"}
    assert evaluation.comment == "整体不错"
    assert evaluation.percent == score(RUBRIC, evaluation.points).percent


def test_a_sheet_with_a_wrong_level_saves_nothing_and_shows_what_was_sent(
    drill_session, people, login
):
    client = login(people["trainer"])
    learner = people["learner"].user
    url = f"/learning/sessions/{drill_session.pk}/scoring/{learner.pk}/"
    client.post(url, {"points-talk": "1", "points-steps": "3", "comment": "第一次"})
    before = DrillEvaluation.objects.get(session=drill_session, user=learner)
    response = client.post(
        url,
        {
            "points-talk": "2",
            "note-talk": "复述了问题",
            "points-steps": "7",  # not a level of this criterion
            "comment": "第二次",
        },
    )
    assert response.status_code == 400
    assert "流程" in " ".join(response.context["errors"])
    after = DrillEvaluation.objects.get(session=drill_session, user=learner)
    assert (after.points, after.notes, after.comment) == (
        before.points,
        before.notes,
        before.comment,
    )
    sent = {row["criterion"].key: row for row in response.context["criteria"]}
    assert sent["talk"]["points"] == "2" and sent["talk"]["note"] == "复述了问题"
    assert response.context["form"]["comment"].value() == "第二次"


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(out, format="PNG")
    return out.getvalue()


def test_evidence_is_stored_and_only_shown_to_those_concerned(
    drill_session, people, login, no_mfa_enforcement
):
    client = login(people["trainer"])
    url = f"/learning/sessions/{drill_session.pk}/scoring/{people['learner'].user.pk}/"
    photo = SimpleUploadedFile("现场照片.png", png_bytes(), content_type="image/png")
    response = client.post(url, {"comment": "见照片", "evidence": photo})
    assert response.status_code == 302
    evaluation = DrillEvaluation.objects.get(session=drill_session, user=people["learner"].user)
    assert evaluation.evidence and evaluation.evidence_name == "现场照片.png"
    evidence_url = f"/learning/evidence/{evaluation.pk}/"
    for who in ("trainer", "learner", "hr", "admin"):
        response = login(people[who]).get(evidence_url)
        assert response.status_code == 200, who
        assert b"".join(response.streaming_content) == png_bytes()
        assert "attachment" in response["Content-Disposition"]
    for who in ("colleague", "south"):
        assert login(people[who]).get(evidence_url).status_code == 404, who
    other = DrillEvaluation.objects.create(
        session=drill_session,
        user=people["colleague"].user,
        rubric_version=drill_session.rubric_version,
    )
    assert login(people["trainer"]).get(f"/learning/evidence/{other.pk}/").status_code == 404


def test_evidence_of_the_wrong_kind_or_size_is_refused(drill_session, people, login, settings):
    client = login(people["trainer"])
    url = f"/learning/sessions/{drill_session.pk}/scoring/{people['learner'].user.pk}/"
    script = SimpleUploadedFile("a.html", b"<script>", content_type="text/html")
    response = client.post(url, {"comment": "x", "evidence": script})
    assert response.status_code == 400
    assert "PDF" in response.content.decode()
    settings.LMS_UPLOAD_MAX_BYTES = {**settings.LMS_UPLOAD_MAX_BYTES, "evidence": 10}
    big = SimpleUploadedFile("b.png", png_bytes(), content_type="image/png")
    response = client.post(url, {"comment": "x", "evidence": big})
    assert response.status_code == 400
    evaluation = DrillEvaluation.objects.filter(session=drill_session, user=people["learner"].user)
    assert not evaluation.exclude(evidence="").exists()


def test_the_room_selectors_query_a_fixed_number_of_times(
    drill_session, people, django_assert_num_queries
):
    from courses.sessions import selectors

    confirm(drill_session, people["xihu"], people["south"])
    trainer = people["trainer"].user
    selectors.sessions_to_run(trainer)  # reads the trainer's roles and scope once
    with django_assert_num_queries(1):
        found = selectors.sessions_to_run(trainer)
    assert [s.confirmed for s in found.today] == [3]  # the south's learner is not the trainer's
    with django_assert_num_queries(1):
        signups = selectors.attendance_list(drill_session, trainer)
        names = [s.user.profile.org_unit.name for s in signups]
    assert len(names) == 3
    with django_assert_num_queries(2):
        rows = selectors.scoring_rows(drill_session, RUBRIC, trainer)
        assert [r.user.profile.full_name for r in rows]


def test_opening_or_downloading_someones_drill_scores_is_audited_not_ones_own(
    drill_session, people, login, no_mfa_enforcement
):
    from lms.audit import PersonalRecord
    from lms.models.audit import AuditEvent

    client = login(people["trainer"])
    url = f"/learning/sessions/{drill_session.pk}/scoring/{people['learner'].user.pk}/"
    photo = SimpleUploadedFile("现场照片.png", png_bytes(), content_type="image/png")
    assert client.post(url, {"comment": "见照片", "evidence": photo}).status_code == 302
    assert not AuditEvent.objects.filter(action__startswith="personal.").exists()

    assert client.get(url, REMOTE_ADDR="10.4.4.4").status_code == 200
    viewed = AuditEvent.objects.get(action="personal.viewed")
    assert (viewed.actor, viewed.subject, viewed.ip_address) == (
        people["trainer"].user,
        people["learner"].user,
        "10.4.4.4",
    )
    assert viewed.details["record"] == PersonalRecord.DRILL
    assert viewed.object_repr == drill_session.title

    evaluation = DrillEvaluation.objects.get(session=drill_session, user=people["learner"].user)
    evidence_url = f"/learning/evidence/{evaluation.pk}/"
    b"".join(login(people["hr"]).get(evidence_url).streaming_content)
    b"".join(login(people["learner"]).get(evidence_url).streaming_content)  # their own
    downloaded = AuditEvent.objects.get(action="personal.exported")
    assert (downloaded.actor, downloaded.subject) == (people["hr"].user, people["learner"].user)
    assert downloaded.details["record"] == PersonalRecord.DRILL_EVIDENCE


def test_the_scoring_list_of_a_session_is_audited_with_how_many_it_shows(
    drill_session, people, login
):
    from lms.models.audit import AuditEvent

    client = login(people["trainer"])
    assert client.get(f"/learning/sessions/{drill_session.pk}/scoring/").status_code == 200
    listed = AuditEvent.objects.get(action="personal.viewed")
    assert listed.actor == people["trainer"].user
    assert listed.details["record"] == "drill"
    assert listed.details["scope"] == {"session": drill_session.pk}
    assert listed.details["people"] >= 1
