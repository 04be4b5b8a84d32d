"""The signed-in person kept in the shared cache (lms.platform.user_cache): read once, and every
change to them, their profile or their roles seen on the next request."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.models import User
from lms.platform import user_cache
from lms.roles import Role

MY_LEARNING = "/learning/"
ADMIN_LINK = 'href="{}"'


def user_queries(client, path=MY_LEARNING):
    """The page's HTML and the queries it made of the users, their profiles and groups."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    tables = ('"lms_user"', '"auth_group"', '"lms_user_groups"')
    read = [q["sql"] for q in queries if any(t in q["sql"] for t in tables)]
    return response.content.decode(), read


def test_the_person_and_their_roles_are_read_once_then_from_the_cache(people, login):
    client = login(people["learner"])

    first_html, first = user_queries(client)
    second_html, second = user_queries(client)

    assert len(first) == 2  # the user with the profile, and the groups
    assert second == []
    assert "王喆" in first_html and "王喆" in second_html


def test_without_the_page_caches_every_request_reads_the_person(people, login, settings):
    settings.LMS_PAGE_CACHE = False
    client = login(people["learner"])
    user_queries(client)

    _html, again = user_queries(client)

    assert len(again) == 2


def test_a_deactivated_account_is_signed_out_on_its_next_request(people, login):
    client = login(people["learner"])
    user_queries(client)
    user = people["learner"].user
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = client.get(MY_LEARNING)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_new_password_ends_the_other_sessions(people, login):
    client = login(people["learner"])
    user_queries(client)
    user = User.objects.get(pk=people["learner"].user.pk)
    user.set_password("a-new-password-2026")
    user.save()

    response = client.get(MY_LEARNING)

    assert response.status_code == 302


def test_a_renamed_person_shows_their_new_name(people, login):
    client = login(people["learner"])
    user_queries(client)
    profile = people["learner"]
    profile.full_name = "王小喆"
    profile.save()

    html, _read = user_queries(client)

    assert "王小喆" in html


@pytest.mark.parametrize("how", ["user.groups", "group.user_set", "group renamed"])
def test_a_role_given_shows_on_the_next_request(people, login, how):
    client = login(people["learner"])
    admin_link = ADMIN_LINK.format(reverse("wagtailadmin_home"))
    html, _read = user_queries(client)
    assert admin_link not in html
    user = people["learner"].user

    if how == "user.groups":
        user.groups.add(Group.objects.get(name=Role.TRAINER))
    elif how == "group.user_set":
        Group.objects.get(name=Role.TRAINER).user_set.add(user)
    else:  # the learner's group becomes the trainers' (its old name freed first)
        Group.objects.filter(name=Role.TRAINER).update(name="former trainers")
        group = Group.objects.get(name=Role.LEARNER)
        group.name = Role.TRAINER
        group.save()

    html, _read = user_queries(client)
    assert admin_link in html


@pytest.mark.parametrize("how", ["user.groups", "group.user_set clear", "group deleted"])
def test_a_role_taken_away_shows_on_the_next_request(people, login, how):
    client = login(people["trainer"])
    admin_link = ADMIN_LINK.format(reverse("wagtailadmin_home"))
    html, _read = user_queries(client)
    assert admin_link in html
    user, group = people["trainer"].user, Group.objects.get(name=Role.TRAINER)

    if how == "user.groups":
        user.groups.remove(group)
    elif how == "group.user_set clear":
        group.user_set.clear()
    else:
        group.delete()

    html, _read = user_queries(client)
    assert admin_link not in html


def test_what_a_reader_loaded_before_a_change_is_not_read_after_it(people):
    user = people["learner"].user
    loads = []

    def load():
        loads.append(1)
        return User.objects.select_related("profile").get(pk=user.pk)

    def load_then_change():
        # Another request changes the user while this one holds the rows it read.
        loaded = load()
        user_cache.forget_users([user.pk])
        return loaded

    user_cache.cached_user(user.pk, load_then_change)
    user_cache.cached_user(user.pk, load)
    user_cache.cached_user(user.pk, load)

    assert len(loads) == 2  # the stale one was stored under the old token: read again, once


def test_an_account_marked_inactive_in_bulk_in_the_admin_is_signed_out(
    people, client, no_mfa_enforcement
):
    learner = people["learner"].user
    client.force_login(learner)
    user_queries(client)
    admin = Client()
    admin.force_login(people["admin"].user)
    url = reverse("wagtail_bulk_action", args=("lms", "user", "set_active_state"))

    response = admin.post(f"{url}?id={learner.pk}", {"mark_as_active": "False"})

    assert response.status_code == 302
    assert not User.objects.get(pk=learner.pk).is_active
    assert client.get(MY_LEARNING).status_code == 302  # signed out
