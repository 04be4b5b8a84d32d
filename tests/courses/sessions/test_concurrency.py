"""Many people signing up for the last places at once (PostgreSQL): never more than the
capacity, the waiting list in one order, and each cancellation moves exactly one person up."""

import datetime

import pytest
from django.db.models import Count
from django.utils import timezone

from courses.models import SessionKind, SignUp, SignUpStatus
from courses.sessions import services
from lms.roles import Role
from tests.concurrency import postgresql_only, run_at_once

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), postgresql_only]

PEOPLE = 12
CAPACITY = 5


def test_simultaneous_sign_ups_and_cancellations_keep_the_capacity(people, make_staff, org):
    trainer = people["trainer"].user
    starts = timezone.now() + datetime.timedelta(days=1)
    session = services.session_schedule(
        by=trainer,
        kind=SessionKind.SHARING,
        title="投诉处理经验分享",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        place="杭州西湖站会议室",
        trainer=trainer,
        capacity=CAPACITY,
        audience_units=[org["east"]],
    )
    users = [
        make_staff("pudong-team", roles=[Role.LEARNER], name=f"学员{n}", number=f"C{n:03d}").user
        for n in range(PEOPLE)
    ]
    run_at_once(
        [lambda user=user: services.signup_create(session=session, user=user) for user in users]
    )

    confirmed = SignUp.objects.filter(session=session, status=SignUpStatus.CONFIRMED)
    waiting = SignUp.objects.filter(session=session, status=SignUpStatus.WAITING)
    assert confirmed.count() == CAPACITY and waiting.count() == PEOPLE - CAPACITY
    places = [services.waiting_place(signup) for signup in waiting]
    assert sorted(places) == list(range(1, PEOPLE - CAPACITY + 1))

    leaving = [signup.user for signup in confirmed[:3]]
    run_at_once(
        [lambda user=user: services.signup_cancel(session=session, user=user) for user in leaving]
    )
    counts = dict(
        SignUp.objects.filter(session=session)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    assert counts == {
        SignUpStatus.CONFIRMED: CAPACITY,
        SignUpStatus.WAITING: PEOPLE - CAPACITY - 3,
        SignUpStatus.CANCELLED: 3,
    }
