"""Property: a trainer sees exactly the staff under their units, and the two faces agree."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms import services
from lms.models import StaffProfile
from lms.permissions import staff_visibility
from lms.roles import Role
from lms.selectors import staff_visible_to
from tests import factories

UNIT_CODES = ["co", "east", "south", "pudong", "xihu", "tianhe", "pudong-team"]


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    placements=st.lists(st.sampled_from(UNIT_CODES), min_size=1, max_size=8),
    assigned=st.sets(st.sampled_from(UNIT_CODES), max_size=3),
    trainer_home=st.sampled_from(UNIT_CODES),
)
def test_trainer_scope_is_the_units_below_the_assignment(org, placements, assigned, trainer_home):
    with transaction.atomic():
        staff = [
            factories.staff(org[code], number=f"P{i:03d}", roles=[Role.LEARNER])
            for i, code in enumerate(placements)
        ]
        trainer = factories.staff(
            org[trainer_home],
            number="PTR",
            roles=[Role.LEARNER, Role.TRAINER],
            trainer_units=[org[code] for code in assigned],
        )
        paths = [org[code].path for code in assigned]
        expected = {trainer.pk} | {
            person.pk
            for person, code in zip(staff, placements, strict=True)
            if any(org[code].path.startswith(path) for path in paths)
        }
        visible = set(staff_visible_to(trainer.user).values_list("pk", flat=True))
        assert visible == expected
        for profile in StaffProfile.objects.select_related("org_unit"):
            assert staff_visibility.allows(trainer.user, profile) == (profile.pk in visible)
        services.staff_set_roles(user=trainer.user, roles=[Role.LEARNER])
        assert set(staff_visible_to(trainer.user).values_list("pk", flat=True)) == {trainer.pk}
        transaction.set_rollback(True)
