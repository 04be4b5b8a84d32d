"""Sessions and the staff scope (courses/sessions/permissions.py): who runs a session, whom its
runner acts on, and the audience chosen when scheduling.

The security review's reproductions come first: a trainer looking after 广州天河站 led a
session of the east region, saw its learners by name, marked one present by a walk-in, scored
a drill criterion for them and learnt the name behind any employee number.
"""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from courses.drills.selectors import current_rubric_version
from courses.models import DrillEvaluation, SessionState, SignUp, TrainingSession
from courses.sessions import permissions, selectors, services
from lms.roles import Role
from lms.services import orgunit_create
from tests import factories
from tests.factories import make_session

pytestmark = pytest.mark.django_db

NEW = reverse("sessions:session_schedule")
UNKNOWN = "没有工号为“{}”、可以加入本场次的人员。"  # the walk-in's answer for a number not to add


@pytest.fixture
def south_trainer(make_staff, org):
    """A trainer who looks after 天河站 (as T0002 in the demo)."""
    return make_staff(
        "tianhe", roles=[Role.LEARNER, Role.TRAINER], position="trainer", name="黄丽娟",
        number="TR02", trainer_units=[org["tianhe"]],
    ).user  # fmt: skip


@pytest.fixture
def south_learner(make_staff):
    return make_staff("tianhe", roles=[Role.LEARNER], name="蒋梦琪", number="L016")


def under_way(trainer, units, **fields):
    """A session under way, stored as it is (as an older release could have left it)."""
    now = timezone.now().replace(microsecond=0)
    return make_session(
        trainer, starts_at=now - datetime.timedelta(minutes=10), hours=1, capacity=10,
        audience_units=units, **fields,
    )  # fmt: skip


def confirm(session, *profiles):
    for profile in profiles:
        SignUp.objects.create(
            session=session, user=profile.user, status="confirmed", queued_at=timezone.now()
        )


@pytest.fixture
def drill_session(people, org, south_trainer, index):
    """An east-region drill led by the south's trainer, its east learners confirmed."""
    drill = factories.drill(index.get_parent(), publish_by=people["admin"].user)
    session = under_way(
        south_trainer, [org["east"]], kind="drill", title="快件异常处理演练(西湖)",
        drill=drill, rubric_version=current_rubric_version(drill),
    )  # fmt: skip
    confirm(session, people["learner"], people["colleague"])
    return session


def first_criterion(session) -> str:
    return session.rubric_version.rubric.criteria[0].key


def url(session, name, *args):
    return reverse(f"sessions:{name}", args=[session.pk, *args])


def state():
    """Everything the trainer's pages could change."""
    signups = SignUp.objects.order_by("pk").values_list(
        "user__username", "status", "attendance", "check_in_method"
    )
    evaluations = DrillEvaluation.objects.order_by("pk").values_list("user__username", "points")
    return list(signups), list(evaluations)


# The review's reproductions -------------------------------------------------------------------


def test_a_trainer_outside_the_audience_sees_nobody_in_the_room_pages(
    drill_session, people, south_trainer, client
):
    client.force_login(south_trainer)
    for name in ("session_attendance", "session_scoring", "session_check_in_code"):
        response = client.get(url(drill_session, name))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert "王喆" not in html and "李堃" not in html, name
    assert client.get(url(drill_session, "session_attendance")).context["signups"] == []
    counts = client.get(url(drill_session, "session_attendance")).context["counts"]
    assert (counts.present, counts.absent, counts.unknown) == (0, 0, 0)
    assert client.get(url(drill_session, "session_scoring")).context["rows"] == []
    assert client.get(url(drill_session, "session_check_in_code_json")).json()["checked_in"] == 0


def test_a_walk_in_out_of_scope_answers_like_an_unknown_number(
    drill_session, people, south_trainer, client, make_staff
):
    pudong_manager = make_staff("pudong", roles=[Role.LEARNER], name="孙晓明", number="E1008")
    client.force_login(south_trainer)
    before = state()
    answers = {}
    for number in ("E1008", "AD01", "L001", "NOPE"):
        response = client.post(
            url(drill_session, "session_attendance"),
            {"action": "walk_in", "employee_number": number},
            follow=True,
        )
        html = response.content.decode()
        answers[number] = [str(m) for m in response.context["messages"]]
        assert answers[number] == [UNKNOWN.format(number)], number
        for name in ("孙晓明", "周远", "王喆"):
            assert name not in html, (number, name)
    assert state() == before
    assert not SignUp.objects.filter(user=pudong_manager.user).exists()


def test_marking_scoring_or_closing_for_someone_out_of_scope_changes_nothing(
    drill_session, people, south_trainer, client
):
    client.force_login(south_trainer)
    learner = people["learner"].user
    before = state()
    attendance = url(drill_session, "session_attendance")
    assert client.post(attendance, {"action": "present", "user": learner.pk}).status_code == 404
    key = first_criterion(drill_session)
    response = client.post(
        url(drill_session, "evaluation_criterion", learner.pk), {"criterion": key, "points": "2"}
    )
    assert response.status_code == 404
    assert client.get(url(drill_session, "evaluation_edit", learner.pk)).status_code == 404
    response = client.post(
        url(drill_session, "evaluation_edit", learner.pk), {f"points-{key}": "2"}
    )
    assert response.status_code == 404
    client.post(attendance, {"action": "close"})
    assert state() == before
    assert not DrillEvaluation.objects.exists()


def test_the_services_refuse_a_person_out_of_the_runners_scope(
    drill_session, people, south_trainer
):
    learner, key = people["learner"].user, first_criterion(drill_session)
    before = state()
    with pytest.raises(PermissionDenied):
        services.attendance_mark(
            session=drill_session, user=learner, present=True, by=south_trainer
        )
    with pytest.raises(PermissionDenied):
        services.evaluation_score(
            session=drill_session, participant=learner, criterion=key, points="2",
            by=south_trainer,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.evaluation_save(
            session=drill_session, participant=learner, points={key: "2"}, notes={},
            comment="", by=south_trainer,
        )  # fmt: skip
    assert services.attendance_close(session=drill_session, by=south_trainer) == 0
    assert state() == before


def test_a_learner_the_trainer_cannot_see_cannot_check_in(drill_session, people):
    token = services.check_in_token(drill_session)
    with pytest.raises(services.SessionError):
        services.check_in(token=token, user=people["learner"].user)
    assert SignUp.objects.get(user=people["learner"].user).attendance == ""


def test_the_trainer_acts_on_the_people_of_the_audience_they_see(
    people, org, south_trainer, south_learner, make_staff, client
):
    """A session for 华南区 led by the trainer of 天河站: 天河's staff are theirs, 南山's are not,
    nor anyone outside the audience whom they may see."""
    nanshan = orgunit_create(name="南山站", kind="station", code="nanshan", parent=org["south"])
    nanshan_learner = factories.staff(nanshan, roles=[Role.LEARNER], name="许文博", number="L023")
    session = under_way(south_trainer, [org["south"]], audience_positions=["courier"])
    confirm(session, south_learner, nanshan_learner)
    clerk = make_staff("tianhe", roles=[Role.LEARNER], position="customer_service", number="L019")
    client.force_login(south_trainer)
    names = [
        s.user.username for s in client.get(url(session, "session_attendance")).context["signups"]
    ]
    assert names == ["L016"]
    for number in ("L023", "L019"):  # out of their scope; not a courier
        response = client.post(
            url(session, "session_attendance"),
            {"action": "walk_in", "employee_number": number},
            follow=True,
        )
        assert [str(m) for m in response.context["messages"]] == [UNKNOWN.format(number)]
    assert not SignUp.objects.filter(user=clerk.user).exists()
    response = client.post(
        url(session, "session_attendance"), {"action": "walk_in", "employee_number": "L016"}
    )
    assert SignUp.objects.get(session=session, user=south_learner.user).attendance == "present"


# A lead trainer's powers -----------------------------------------------------------------------


@pytest.fixture
def sessions(people, org, south_trainer, lead):
    """Sessions of other trainers: for the east, for Pudong, for the south, for both, for all."""
    trainer = people["trainer"].user
    return {
        "east": under_way(trainer, [org["east"]], title="华东"),
        "pudong": under_way(trainer, [org["pudong"]], title="浦东"),
        "south": under_way(south_trainer, [org["south"]], title="华南"),
        "both": under_way(trainer, [org["east"], org["tianhe"]], title="两地"),
        "everyone": under_way(trainer, [], audience_everyone=True, title="全体"),
        "nobody": under_way(trainer, [], audience_everyone=False, title="无人"),
        "own": under_way(lead, [org["south"]], title="自己的"),
    }


def test_a_lead_trainer_runs_only_the_sessions_of_their_units(sessions, lead, client):
    client.force_login(lead)
    inside = {"east", "pudong", "own"}  # not: the south, east and south, everyone, nobody
    to_run = client.get(reverse("sessions:sessions_to_run")).context["sessions"]
    listed = {s.title for s in to_run.today + to_run.upcoming + to_run.recent}
    assert listed == {"华东", "浦东", "自己的"}
    for key, session in sessions.items():
        expected = 200 if key in inside else 403
        for name in ("session_attendance", "session_check_in_code", "session_edit"):
            assert client.get(url(session, name)).status_code == expected, (key, name)
        response = client.post(url(session, "session_cancel_by_trainer"))
        assert response.status_code == (302 if key in inside else 403), key
    cancelled = TrainingSession.objects.filter(state=SessionState.CANCELLED)
    assert set(cancelled.values_list("title", flat=True)) == {"华东", "浦东", "自己的"}


def test_the_lead_trainer_acts_only_on_their_staff_in_their_own_session(
    sessions, lead, people, south_learner, client
):
    """The lead leads a session for the south: they run it, but its people are not theirs."""
    own = sessions["own"]
    confirm(own, south_learner)
    client.force_login(lead)
    assert client.get(url(own, "session_attendance")).context["signups"] == []
    with pytest.raises(PermissionDenied):
        services.attendance_mark(session=own, user=south_learner.user, present=True, by=lead)


@pytest.mark.parametrize("who", ["trainer", "lead", "south_trainer", "admin", "learner", "hr"])
def test_the_rule_for_one_session_and_for_the_list_agree(
    sessions, people, lead, south_trainer, who
):
    user = {"lead": lead, "south_trainer": south_trainer}.get(who) or people[who].user
    runnable = set(permissions.sessions_runnable_by(user).values_list("title", flat=True))
    one_by_one = {
        s.title
        for s in TrainingSession.objects.prefetch_related("audience_units")
        if permissions.may_run(user, s)
    }
    assert runnable == one_by_one
    expected = {
        "trainer": {"华东", "浦东", "两地", "全体", "无人"},
        "lead": {"华东", "浦东", "自己的"},
        "south_trainer": {"华南"},
        "admin": {s.title for s in sessions.values()},
        "learner": set(),
        "hr": set(),
    }
    assert runnable == expected[who]


# The audience chosen ----------------------------------------------------------------------------


def schedule_data(**fields):
    data = {
        "kind": "classroom", "title": "客户服务知识", "place": "培训室", "capacity": "10",
        "date": (timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
        "start_time": "09:30", "end_time": "11:00",
    }  # fmt: skip
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def test_the_trainers_own_units_are_ticked_and_everyone_is_not_offered(people, org, client):
    client.force_login(people["trainer"].user)
    form = client.get(NEW).context["form"]
    assert [u.code for u in form["audience_units"].initial] == ["east"]
    assert "audience_everyone" not in form.fields
    html = client.get(NEW).content.decode()
    assert 'name="audience_everyone"' not in html


def test_no_units_is_a_form_error_not_everyone(people, client):
    client.force_login(people["trainer"].user)
    for extra in ({}, {"audience_everyone": "on"}):  # a trainer cannot say everyone
        response = client.post(NEW, schedule_data(**extra))
        assert response.status_code == 200
        assert response.context["form"].errors["audience_units"] == [
            "请选择本场次面向的组织单元。"
        ]
    assert not TrainingSession.objects.exists()


def test_an_administrator_opens_a_session_to_everyone_explicitly(
    people, org, client, no_mfa_enforcement
):
    admin = people["admin"].user
    client.force_login(admin)
    form = client.get(NEW).context["form"]
    assert "audience_everyone" in form.fields and not form["audience_units"].initial
    response = client.post(NEW, schedule_data(trainer=admin.pk))
    assert "“所有人员”" in response.context["form"].errors["audience_units"][0]
    response = client.post(
        NEW,
        schedule_data(trainer=admin.pk, audience_everyone="on", audience_units=[org["east"].pk]),
    )
    assert "audience_units" in response.context["form"].errors
    response = client.post(
        NEW, schedule_data(trainer=people["trainer"].user.pk, audience_everyone="on")
    )
    assert "audience_units" in response.context["form"].errors  # the trainer sees the east only
    assert not TrainingSession.objects.exists()
    response = client.post(NEW, schedule_data(trainer=admin.pk, audience_everyone="on"))
    assert response.status_code == 302
    session = TrainingSession.objects.get()
    assert session.audience_everyone and not session.audience_units.exists()
    assert permissions.in_audience(people["south"].user, session)


def test_the_audience_lies_within_the_trainers_units(
    people, org, lead, south_trainer, client, no_mfa_enforcement
):
    client.force_login(lead)
    response = client.post(
        NEW, schedule_data(trainer=south_trainer.pk, audience_units=[org["pudong"].pk])
    )
    errors = response.context["form"].errors["audience_units"]
    assert errors == ["浦东站 不在培训师负责的组织单元之内。"]
    response = client.post(NEW, schedule_data(audience_units=[org["tianhe"].pk]))
    assert "audience_units" in response.context["form"].errors  # not a unit the lead sees
    assert not TrainingSession.objects.exists()
    client.force_login(people["admin"].user)
    response = client.post(
        NEW, schedule_data(trainer=south_trainer.pk, audience_units=[org["tianhe"].pk])
    )
    assert response.status_code == 302
    assert TrainingSession.objects.get().trainer == south_trainer


def test_the_service_checks_the_audience_too(people, org, south_trainer):
    trainer = people["trainer"].user
    start = timezone.now() + datetime.timedelta(days=2)
    fields = {
        "kind": "classroom", "title": "课堂", "place": "培训室", "capacity": 5,
        "starts_at": start, "ends_at": start + datetime.timedelta(hours=1),
    }  # fmt: skip
    for audience in ({}, {"audience_everyone": True}, {"audience_units": [org["tianhe"]]}):
        with pytest.raises(services.SessionError):
            services.session_schedule(by=trainer, trainer=trainer, **fields, **audience)
    with pytest.raises(PermissionDenied):  # a trainer schedules for themselves only
        services.session_schedule(
            by=trainer, trainer=south_trainer, audience_units=[org["tianhe"]], **fields
        )
    assert not TrainingSession.objects.exists()
    session = services.session_schedule(
        by=trainer, trainer=trainer, audience_units=[org["xihu"]], **fields
    )
    assert not session.audience_everyone
    assert [u.code for u in session.audience_units.all()] == ["xihu"]


def test_an_edit_keeps_the_audience_within_scope(people, org, client, lead):
    trainer = people["trainer"].user
    session = under_way(trainer, [], audience_everyone=True, title="旧场次")  # as migrated
    client.force_login(trainer)
    edit = url(session, "session_edit")
    form = client.get(edit).context["form"]
    data = {name: form[name].value() for name in ("place", "capacity", "description")}
    data.update(date=timezone.localdate().isoformat(), start_time="09:00", end_time="23:59")
    response = client.post(edit, data)
    assert "audience_units" in response.context["form"].errors
    session.refresh_from_db()
    assert session.audience_everyone  # unchanged until the trainer chooses units
    response = client.post(edit, {**data, "audience_units": [org["tianhe"].pk]})
    assert "audience_units" in response.context["form"].errors
    response = client.post(edit, {**data, "audience_units": [org["pudong"].pk]})
    assert response.status_code == 302
    session.refresh_from_db()
    assert not session.audience_everyone
    assert [u.code for u in session.audience_units.all()] == ["pudong"]
    with pytest.raises(services.SessionError):
        services.session_update(
            session=session, by=lead,
            changes={**data, "starts_at": session.starts_at, "ends_at": session.ends_at,
                     "capacity": 10, "audience_positions": [],
                     "audience_units": [org["tianhe"]]},
        )  # fmt: skip


def test_older_sessions_without_units_stay_open_to_everyone(people, org):
    trainer = people["trainer"].user
    old = under_way(trainer, [], audience_everyone=False, title="旧")
    for_east = under_way(trainer, [org["east"]], title="华东")
    migration = importlib.import_module("courses.migrations.0005_session_audience_everyone")
    migration.keep_everyone(apps, None)
    old.refresh_from_db()
    for_east.refresh_from_db()
    assert old.audience_everyone and not for_east.audience_everyone


def test_a_session_without_units_or_everyone_is_for_nobody(people):
    session = under_way(people["trainer"].user, [], audience_everyone=False)
    assert not permissions.in_audience(people["learner"].user, session)
    assert selectors.walk_in_person(session, "L001", people["admin"].user) is None
