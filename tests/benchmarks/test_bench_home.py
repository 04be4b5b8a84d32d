"""The home pages' benchmark (bench_home.py) signs in a trainer and HR it makes itself, over
whatever data there is: checked on a small data set so that it cannot rot. Speed itself is
measured by `make bench`, never here."""

from types import SimpleNamespace

import pytest

from lms.models import User
from lms.roles import Role, roles_of
from tests.benchmarks import bench_home

pytestmark = pytest.mark.django_db


def test_the_home_benchmark_signs_in_each_role_and_finds_what_needs_them(
    people, client, no_mfa_enforcement
):
    ctx = SimpleNamespace(dataset=SimpleNamespace(learner_id=people["learner"].user.pk))
    ids = bench_home.people(ctx)
    assert bench_home.people(ctx) == ids  # made once
    users = {role: User.objects.get(pk=pk) for role, pk in ids.items()}
    assert Role.TRAINER in roles_of(users["trainer"]) and Role.HR in roles_of(users["HR"])
    for user in users.values():
        client.force_login(user)
        response = client.get(bench_home.HOME)
        assert response.status_code == 200 and b'data-audience="' in response.content
