"""Property: the session rules' two faces agree (courses/sessions/permissions.py).

For any audiences (units, everyone, positions), any runner (a trainer, a lead trainer or an
administrator, looking after any units) and anyone signed up, the queryset filter and the
answer for one object say the same: the sessions one runs (`RunRule`) and the people one acts
on in a session (`ParticipantRule`).
"""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.models import SignUp, TrainingSession
from courses.sessions.permissions import participant_rule, run_rule
from lms.models.accounts import Position
from lms.roles import Role
from tests import factories

UNIT_CODES = ["co", "east", "south", "pudong", "xihu", "tianhe", "pudong-team"]
POSITIONS = [Position.COURIER.value, Position.CUSTOMER_SERVICE.value]
RUNNERS = {
    "trainer": [Role.LEARNER, Role.TRAINER],
    "lead": [Role.LEARNER, Role.TRAINER, Role.LEAD_TRAINER],
    "admin": [Role.ADMINISTRATOR],
}

audiences = st.tuples(
    st.sets(st.sampled_from(UNIT_CODES), max_size=3),
    st.booleans(),
    st.sets(st.sampled_from(POSITIONS), max_size=1),
)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    sessions=st.lists(audiences, min_size=1, max_size=4),
    people=st.lists(
        st.tuples(st.sampled_from(UNIT_CODES), st.sampled_from(POSITIONS)), min_size=1, max_size=6
    ),
    runner=st.sampled_from(sorted(RUNNERS)),
    assigned=st.sets(st.sampled_from(UNIT_CODES), max_size=2),
    leads_first=st.booleans(),
)
def test_the_list_and_the_object_agree(org, sessions, people, runner, assigned, leads_first):
    with transaction.atomic():
        other = factories.staff(org["east"], roles=RUNNERS["trainer"], number="PTR1").user
        user = factories.staff(
            org["co"], roles=RUNNERS[runner], number="PRUN",
            trainer_units=[org[code] for code in assigned] if runner != "admin" else None,
        ).user  # fmt: skip
        staff = [
            factories.staff(org[code], position=position, number=f"P{n:03d}").user
            for n, (code, position) in enumerate(people)
        ]
        made = []
        for n, (codes, everyone, positions) in enumerate(sessions):
            session = factories.make_session(
                user if leads_first and n == 0 else other,
                title=f"S{n}",
                audience_units=[org[code] for code in codes],
                audience_everyone=everyone,
                audience_positions=sorted(positions),
            )
            for person in staff:
                SignUp.objects.create(
                    session=session, user=person, status="confirmed", queued_at=session.starts_at
                )
            made.append(session)

        runnable = set(
            TrainingSession.objects.filter(run_rule.runnable(user)).values_list("pk", flat=True)
        )
        for session in TrainingSession.objects.prefetch_related("audience_units"):
            assert run_rule.can_run(user, session) == (session.pk in runnable), session.title
            listed = set(
                SignUp.objects.filter(session=session)
                .filter(participant_rule.q(user, session))
                .values_list("user_id", flat=True)
            )
            for person in staff:
                allowed = participant_rule.allows(user, session, person)
                assert allowed == (person.pk in listed), (session.title, person.username)
        transaction.set_rollback(True)
