"""Fixtures of the live-training tests: a lead trainer and the drill index."""

import pytest

from courses.models import DrillIndexPage, TrainingHomePage
from lms.roles import Role


@pytest.fixture
def lead(make_staff, org):
    """A lead trainer (also a trainer) of the east region."""
    return make_staff(
        "east",
        roles=[Role.LEARNER, Role.TRAINER, Role.LEAD_TRAINER],
        position="trainer",
        name="主培训师",
        number="LT01",
        trainer_units=[org["east"]],
    ).user


@pytest.fixture
def drill_index(index):
    """The drill index under the training home (reviewed by the drill review workflow)."""
    page = DrillIndexPage(title="实战演练", slug="drills")
    TrainingHomePage.objects.get().add_child(instance=page)
    return page
