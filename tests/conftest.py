import os
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from lms.roles import Role
from tests import factories


@pytest.fixture(autouse=True)
def _clean_cache():
    # Rate limits live in the cache; every test starts with none used.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # A request for an English page leaves English active in its thread: every test starts,
    # and ends, in the default language (zh-hans).
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def org(db):
    return factories.org_tree()


@pytest.fixture
def make_staff(org):
    def make(unit_code="pudong-team", **kwargs):
        return factories.staff(org[unit_code], **kwargs)

    return make


@pytest.fixture
def people(org, make_staff):
    """One person per role, plus colleagues in the east and the south."""
    return {
        "learner": make_staff("pudong-team", roles=[Role.LEARNER], name="王喆", number="L001"),
        "colleague": make_staff("pudong-team", roles=[Role.LEARNER], name="李堃", number="L002"),
        "xihu": make_staff("xihu", roles=[Role.LEARNER], name="刘䶮", number="L003"),
        "south": make_staff("tianhe", roles=[Role.LEARNER], name="黄丽", number="L004"),
        "trainer": make_staff(
            "east",
            roles=[Role.LEARNER, Role.TRAINER],
            position="trainer",
            name="林海峰",
            number="TR01",
            trainer_units=[org["east"]],
        ),
        "hr": make_staff(
            "co", roles=[Role.LEARNER, Role.HR], position="hr", name="陈静", number="HR01"
        ),
        "admin": make_staff(
            "co", roles=[Role.ADMINISTRATOR], position="manager", name="周远", number="AD01"
        ),
    }


@pytest.fixture
def login(client):
    def do(profile_or_user):
        user = getattr(profile_or_user, "user", profile_or_user)
        client.force_login(user)
        return client

    return do


@pytest.fixture
def no_mfa_enforcement(settings):
    settings.LMS_ENFORCE_MFA = False


REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_cache(settings):
    """Switch the default cache to a real Redis, as production runs it."""
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_TEST_URL}; CI must test it.")
        pytest.skip(f"Redis is not reachable at {REDIS_TEST_URL}")
    settings.CACHES = {
        "default": {
            "BACKEND": "lms.platform.cache.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": f"lms-test-{os.getpid()}",
        }
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def index(db):
    """The training home and its course index."""
    return factories.training_site()


@pytest.fixture
def course(index):
    """A customer-service course with three lessons (`course.lessons`)."""
    page, lessons = factories.course(index, "客户服务知识")
    page.lessons = lessons
    return page


@pytest.fixture(scope="module")
def seed_output(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole demo, loaded once for a test module and rolled back after it; what
    `seed_demo` printed."""
    media = tmp_path_factory.mktemp("media")
    output = StringIO()
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(media)),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=output)
        yield output.getvalue()
        transaction.set_rollback(True)
