"""Redis stopped under requests, on a throwaway redis-server of the test's own (never the
machine's): no 500, the answers saved in the database, /healthz says the cache is down; Redis
started again: the cache is used again, by itself. And a Redis that hangs (stopped with
SIGSTOP, its data kept) while people sign out and accounts are deactivated: when it answers
again, nobody is signed in from what it kept."""

import os
import signal
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from lms.models.accounts import User
from tests.faults.redis_server import RedisServer
from tests.faults.site_requests import Site, make_quiz, use_redis

pytestmark = pytest.mark.django_db

# How long the cache leaves a failed Redis alone here (5 s in production): short, so that the
# test waits little for the cache to try Redis again.
RETRY_AFTER = 0.3


@pytest.fixture
def redis_server():
    with RedisServer() as server:
        yield server


@pytest.fixture
def site_on(settings, no_mfa_enforcement, people, course):
    def make(server):
        use_redis(settings, server.url)
        settings.CACHES["default"]["OPTIONS"] = {"RETRY_AFTER": RETRY_AFTER}
        return Site(people, course, make_quiz(course))

    return make


def timed(action):
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def test_redis_stopped_under_requests_and_started_again(redis_server, site_on, client):
    site = site_on(redis_server)
    _, warm = timed(site.all_of_it)  # with Redis: pages, sessions, people cached
    assert site.errors() == []
    assert redis_server.client().dbsize() > 0

    redis_server.stop()
    site.statuses.clear()
    attempt, down = timed(site.all_of_it)

    assert site.errors() == []
    assert len(site.statuses) == 14
    item = attempt.items.get(position=1)
    assert item.response is not None and item.saved_at is not None  # saved in the database
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["failed"] == ["cache"]

    redis_server.start()  # empty: no persistence
    # The load balancer's probe finds it at once (its ping ends the pause after a failure).
    assert client.get("/healthz").status_code == 200
    site.statuses.clear()
    _, back = timed(site.all_of_it)

    assert site.errors() == []
    assert redis_server.client().dbsize() > 1  # used again, by itself
    print(f"\nall the pages: Redis up {warm:.2f} s, down {down:.2f} s, back {back:.2f} s")


def test_what_a_hung_redis_kept_is_not_used_once_it_answers_again(redis_server, site_on):
    site = site_on(redis_server)
    leaving = site.sign_in(site.people["colleague"].user.username)
    learner = site.sign_in(site.people["learner"].user.username)
    assert leaving.signed_in and learner.signed_in
    for client in (leaving, learner):
        assert client.get("/learning/").status_code == 200  # session and person cached
    keys = redis_server.client().dbsize()

    os.kill(redis_server.process.pid, signal.SIGSTOP)  # hangs: reads time out, data kept
    try:
        signed_out = leaving.post("/accounts/logout/")
        assert signed_out.status_code == 302
        learner_user = User.objects.get(pk=site.people["learner"].user.pk)
        learner_user.is_active = False  # HR deactivates the account meanwhile
        learner_user.save()
        assert Client().get("/accounts/login/").status_code == 200
    finally:
        os.kill(redis_server.process.pid, signal.SIGCONT)
    assert redis_server.client().dbsize() == keys  # the entries from before are all there
    time.sleep(RETRY_AFTER * 2)

    # The session signed out from, and the deactivated person, are not read from them.
    again = Client()
    again.cookies = leaving.cookies
    assert SESSION_KEY not in again.session
    assert again.get("/learning/").status_code == 302
    assert learner.get("/learning/").status_code == 302
