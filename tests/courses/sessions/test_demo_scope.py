"""The security review's reproductions on the demo company (`seed_demo`): trainer T0002 looks
after 广州天河站 only, and the sessions and their people follow the staff scope."""

import pytest
from django.urls import reverse

from courses.models import DrillEvaluation, SignUp, TrainingSession
from courses.sessions import permissions
from lms.models import User

pytestmark = pytest.mark.django_db

UNKNOWN = "没有工号为“{}”、可以加入本场次的人员。"


def test_every_demo_session_lies_within_its_trainers_units(seed_output):
    sessions = TrainingSession.objects.select_related("trainer").prefetch_related(
        "audience_units", "signups__user__profile__org_unit"
    )
    for session in sessions:
        assert not session.audience_everyone and session.audience_units.exists()
        assert not permissions.audience_problems(
            by=session.trainer,
            trainer=session.trainer,
            units=session.audience_units.all(),
            everyone=False,
        ), session.title
        for signup in session.signups.all():
            assert permissions.participant_rule.allows(session.trainer, session, signup.user)
    t0002 = set(
        TrainingSession.objects.filter(trainer__username="T0002").values_list(
            "audience_units__code", flat=True
        )
    )
    assert t0002 == {"gz-tianhe"}


def test_t0002_cannot_run_an_east_session_nor_learn_whose_number_it_is(seed_output, client):
    t0002 = User.objects.get(username="T0002")
    client.force_login(t0002)
    east = TrainingSession.objects.filter(
        audience_units__code="sh-pudong", kind="drill", evaluations__isnull=False
    ).first()
    for name in ("session_attendance", "session_scoring", "session_edit"):
        assert client.get(reverse(f"sessions:{name}", args=[east.pk])).status_code == 403
    scored = east.evaluations.first().user
    criterion = reverse("sessions:evaluation_criterion", args=[east.pk, scored.pk])
    assert client.post(criterion, {"criterion": "x", "points": "2"}).status_code == 403

    own = TrainingSession.objects.filter(trainer=t0002, audience_units__code="gz-tianhe").first()
    attendance = reverse("sessions:session_attendance", args=[own.pk])
    before = (
        list(SignUp.objects.values_list("pk", "attendance")),
        DrillEvaluation.objects.count(),
    )
    for number, name in (("E1008", "孙晓明"), ("A0001", "周志远"), ("NOPE", None)):
        response = client.post(
            attendance, {"action": "walk_in", "employee_number": number}, follow=True
        )
        assert [str(m) for m in response.context["messages"]] == [UNKNOWN.format(number)]
        assert name is None or name not in response.content.decode()
    after = (list(SignUp.objects.values_list("pk", "attendance")), DrillEvaluation.objects.count())
    assert after == before
    tianhe = own.audience_units.get().path
    listed = client.get(attendance).context["signups"]
    assert listed and all(s.user.profile.org_unit.path.startswith(tianhe) for s in listed)
