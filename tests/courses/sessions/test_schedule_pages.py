"""The trainers' scheduling pages (courses.sessions.views, courses.sessions.forms)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.demo.live import DRILLS, _drill_page
from courses.models import (
    SessionState,
    SignUpStatus,
    TrainingSession,
)
from courses.sessions import services
from lms.models import OrgUnit
from lms.roles import Role

pytestmark = pytest.mark.django_db

NEW = reverse("sessions:session_schedule")


@pytest.fixture
def south_trainer(make_staff, org):
    return make_staff(
        "south",
        roles=[Role.TRAINER],
        position="trainer",
        name="黄丽娟",
        number="TR02",
        trainer_units=[org["south"]],
    ).user


@pytest.fixture
def drill(drill_index, lead, people):
    """A drill written by the trainer and published by the lead trainer (never its author)."""
    writer = people["trainer"].user
    page = _drill_page(DRILLS["complaint"], owner=writer)
    drill_index.add_child(instance=page)
    page.save_revision(user=writer).publish(user=lead)
    page.refresh_from_db()
    return page


@pytest.fixture
def unpublished_drill(drill_index, lead):
    page = _drill_page(DRILLS["fire"], owner=lead)
    drill_index.add_child(instance=page)
    page.save_revision(user=lead)
    return page


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def form_data(**fields) -> dict:
    """The schedule form as sent, for the staff of the east region unless said (None: left
    out)."""
    data = {
        "audience_units": [OrgUnit.objects.get(code="east").pk],
        "kind": "classroom",
        "title": "客户服务知识:沟通技巧",
        "description": "请提前10分钟到场。",
        "date": tomorrow().isoformat(),
        "start_time": "09:30",
        "end_time": "11:00",
        "place": "浦东站二楼培训室",
        "capacity": "12",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def session(people, org):
    start = timezone.now() + datetime.timedelta(days=2)
    return services.session_schedule(
        by=people["trainer"].user,
        kind="classroom",
        title="入职培训",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        place="培训室",
        trainer=people["trainer"].user,
        capacity=1,
        audience_units=[org["east"]],
    )


# Who may schedule ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["learner", "hr"])
def test_only_trainers_schedule(people, session, login, who, no_mfa_enforcement):
    client = login(people[who])
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form_data()).status_code == 403
    edit = reverse("sessions:session_edit", args=[session.pk])
    cancel = reverse("sessions:session_cancel_by_trainer", args=[session.pk])
    assert client.get(edit).status_code == 403
    assert client.post(cancel).status_code == 403
    assert TrainingSession.objects.count() == 1
    assert TrainingSession.objects.get().state == SessionState.SCHEDULED


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(NEW)
    assert response.status_code == 302 and "login" in response.url


# Scheduling ------------------------------------------------------------------------------


def test_a_trainer_schedules_a_classroom_training(people, org, login):
    trainer = people["trainer"].user
    client = login(trainer)
    response = client.get(NEW)
    assert response.status_code == 200
    assert response.context["form"]["trainer"].value() == trainer.pk
    response = client.post(
        NEW,
        form_data(
            audience_units=[org["pudong"].pk, org["xihu"].pk],
            audience_positions=["courier", "customer_service"],
        ),
    )
    session = TrainingSession.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("sessions:session_edit", args=[session.pk])
    assert session.kind == "classroom" and session.trainer == trainer
    assert session.created_by == trainer
    local = timezone.localtime(session.starts_at)
    assert (local.date(), local.hour, local.minute) == (tomorrow(), 9, 30)
    assert str(local.tzinfo) == "Asia/Shanghai"
    assert session.starts_at.utcoffset() is not None
    assert timezone.localtime(session.ends_at).hour == 11
    assert {u.code for u in session.audience_units.all()} == {"pudong", "xihu"}
    assert session.audience_positions == ["courier", "customer_service"]
    assert session.capacity == 12 and session.state == SessionState.SCHEDULED


def test_a_drill_session_is_pinned_to_the_current_rubric_version(people, drill, login):
    client = login(people["trainer"])
    response = client.get(NEW + f"?drill={drill.pk}")
    assert response.context["form"]["kind"].value() == "drill"
    assert response.context["form"]["title"].value() == drill.title
    response = client.post(NEW, form_data(kind="drill", drill=drill.pk, title=drill.title))
    assert response.status_code == 302
    session = TrainingSession.objects.get()
    assert session.drill_id == drill.pk
    assert session.rubric_version == drill.rubric_versions.get()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "drill"}, "drill", "选择"),
        ({"end_time": "09:00"}, "end_time", None),
        ({"date": "2020-01-01"}, "date", None),
        ({"capacity": "0"}, "capacity", None),
        ({"place": ""}, "place", None),
        ({"required_for_course": "on"}, "course", None),
    ],
)
def test_errors_are_shown_and_nothing_is_written(people, login, fields, field, message):
    client = login(people["trainer"])
    response = client.post(NEW, form_data(**fields))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert TrainingSession.objects.count() == 0


def test_errors_are_in_the_users_language(people, login):
    client = login(people["trainer"])
    response = client.post(NEW, form_data(place="", kind="drill"))
    errors = response.context["form"].errors
    assert errors["place"] and all(ord(c) > 0x2E80 for c in errors["place"][0].rstrip("。."))
    assert errors["drill"]  # gettext'd; shown in Chinese once the catalogue has it


def test_an_unpublished_drill_cannot_be_chosen(people, unpublished_drill, login):
    client = login(people["trainer"])
    response = client.post(NEW, form_data(kind="drill", drill=unpublished_drill.pk))
    assert "drill" in response.context["form"].errors
    assert TrainingSession.objects.count() == 0


def test_a_trainer_schedules_only_for_themselves(people, south_trainer, login):
    trainer = people["trainer"].user
    client = login(trainer)
    client.post(NEW, form_data(trainer=south_trainer.pk))
    assert TrainingSession.objects.get().trainer == trainer


def test_a_lead_trainer_may_pick_another_trainer(people, lead, south_trainer, login):
    client = login(lead)
    form = client.get(NEW).context["form"]
    choices = set(form.fields["trainer"].queryset)
    assert {lead, south_trainer, people["trainer"].user} <= choices
    assert people["learner"].user not in choices
    client.post(NEW, form_data(trainer=people["trainer"].user.pk))
    session = TrainingSession.objects.get()
    assert session.trainer == people["trainer"].user and session.created_by == lead


def test_audience_units_are_those_the_user_may_see(people, org, login):
    client = login(people["trainer"])
    form = client.get(NEW).context["form"]
    codes = {u.code for u in form.fields["audience_units"].queryset}
    assert "east" in codes and "pudong" in codes and "tianhe" not in codes
    response = client.post(NEW, form_data(audience_units=[org["tianhe"].pk]))
    assert "audience_units" in response.context["form"].errors
    assert TrainingSession.objects.count() == 0


# Changing and cancelling ---------------------------------------------------------------


def test_a_larger_capacity_moves_the_waiting_list_up(people, session, login):
    for who in ("learner", "colleague", "xihu"):
        services.signup_create(session=session, user=people[who].user)
    assert session.signups.filter(status=SignUpStatus.WAITING).count() == 2
    client = login(people["trainer"])
    url = reverse("sessions:session_edit", args=[session.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in ("date", "place", "description")}
    data.update(
        date=tomorrow().isoformat(),
        start_time="14:00",
        end_time="16:30",
        place="西湖站会议室",
        capacity="2",
        audience_units=[u.pk for u in session.audience_units.all()],
    )
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.capacity == 2 and session.place == "西湖站会议室"
    assert timezone.localtime(session.starts_at).hour == 14
    assert timezone.localtime(session.ends_at).minute == 30
    confirmed = session.signups.filter(status=SignUpStatus.CONFIRMED)
    assert set(confirmed.values_list("user", flat=True)) == {
        people["learner"].user.pk,
        people["colleague"].user.pk,
    }  # the first on the waiting list moved up
    assert session.signups.filter(status=SignUpStatus.WAITING).count() == 1


def test_an_invalid_edit_changes_nothing(people, session, login):
    client = login(people["trainer"])
    url = reverse("sessions:session_edit", args=[session.pk])
    response = client.post(
        url,
        {
            "date": tomorrow().isoformat(),
            "start_time": "15:00",
            "end_time": "14:00",
            "place": "别处",
            "capacity": "5",
        },
    )
    assert "end_time" in response.context["form"].errors
    session.refresh_from_db()
    assert session.place == "培训室" and session.capacity == 1


def test_only_the_sessions_trainer_or_a_lead_changes_it(people, session, south_trainer, lead):
    from django.test import Client

    url = reverse("sessions:session_edit", args=[session.pk])
    other = Client()
    other.force_login(south_trainer)
    assert other.get(url).status_code == 403
    boss = Client()
    boss.force_login(lead)
    assert boss.get(url).status_code == 200


def test_cancel_asks_first_then_cancels(people, session, login):
    client = login(people["trainer"])
    url = reverse("sessions:session_cancel_by_trainer", args=[session.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b'method="post"' in response.content
    session.refresh_from_db()
    assert session.state == SessionState.SCHEDULED
    response = client.post(url)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.state == SessionState.CANCELLED
    edit = client.get(reverse("sessions:session_edit", args=[session.pk]))
    assert edit.context["form"] is None
