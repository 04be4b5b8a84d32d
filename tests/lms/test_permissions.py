"""Role and org-unit scoping of every query added so far, per role."""

import pytest
from django.contrib.auth.models import Group

from lms.models import StaffProfile
from lms.permissions import staff_visibility
from lms.roles import Role
from lms.selectors import audit_events_visible_to, org_units_visible_to, staff_visible_to


def numbers(qs):
    return {p.user.username for p in qs}


ALL = {"L001", "L002", "L003", "L004", "TR01", "HR01", "AD01"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("learner", {"L001"}),
        # east region and everything under it (stations, teams), and themself
        ("trainer", {"L001", "L002", "L003", "TR01"}),
        ("hr", ALL),
        ("admin", ALL),
    ],
)
def test_staff_visible_to_each_role(people, role, expected):
    assert numbers(staff_visible_to(people[role].user)) == expected


@pytest.mark.django_db
def test_list_and_single_record_rules_agree(people):
    profiles = list(StaffProfile.objects.select_related("user", "org_unit"))
    for viewer in people.values():
        visible = set(staff_visible_to(viewer.user).values_list("pk", flat=True))
        for profile in profiles:
            assert staff_visibility.allows(viewer.user, profile) == (profile.pk in visible)


@pytest.mark.django_db
def test_trainer_scope_follows_assignment(people, org):
    from lms import services

    trainer = people["trainer"]
    services.trainer_assign_units(profile=trainer, units=[org["tianhe"]])
    trainer.user.refresh_from_db()
    assert numbers(staff_visible_to(trainer.user)) == {"L004", "TR01"}


@pytest.mark.django_db
def test_trainer_without_units_sees_only_themself(people):
    from lms import services

    trainer = people["trainer"]
    services.trainer_assign_units(profile=trainer, units=[])
    assert numbers(staff_visible_to(trainer.user)) == {"TR01"}


@pytest.mark.django_db
def test_deactivated_and_anonymous_see_nobody(people):
    from django.contrib.auth.models import AnonymousUser

    hr = people["hr"].user
    hr.is_active = False
    assert not staff_visible_to(hr).exists()
    assert not staff_visible_to(AnonymousUser()).exists()


@pytest.mark.django_db
def test_org_units_visible_to(people, org):
    assert set(org_units_visible_to(people["trainer"].user).values_list("code", flat=True)) == {
        "east",
        "pudong",
        "xihu",
        "pudong-team",
    }
    assert org_units_visible_to(people["hr"].user).count() == len(org)
    assert not org_units_visible_to(people["learner"].user).exists()


@pytest.mark.django_db
def test_audit_log_only_for_hr_and_administrators(people):
    assert audit_events_visible_to(people["hr"].user).exists()
    assert audit_events_visible_to(people["admin"].user).exists()
    assert not audit_events_visible_to(people["trainer"].user).exists()
    assert not audit_events_visible_to(people["learner"].user).exists()


@pytest.mark.django_db
def test_roles_are_groups_created_by_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}
    trainer = Group.objects.get(name="Trainer")
    assert trainer.permissions.filter(codename="access_admin").exists()
    assert trainer.page_permissions.filter(permission__codename="publish_page").exists()
    assert not Group.objects.get(name="Learner").permissions.exists()
    assert Group.objects.get(name="HR").permissions.filter(codename="view_auditevent").exists()


# --- The same rules through the pages --------------------------------------


@pytest.mark.django_db
def test_learner_cannot_list_staff(people, login):
    assert login(people["learner"]).get("/staff/").status_code == 403


@pytest.mark.django_db
def test_learner_sees_own_record_only(people, login):
    client = login(people["learner"])
    assert client.get("/staff/L001/").status_code == 200
    assert client.get("/staff/L002/").status_code == 404


@pytest.mark.django_db
def test_trainer_lists_only_their_units(people, login):
    client = login(people["trainer"])
    page = client.get("/staff/").content.decode()
    assert "L003" in page and "L001" in page
    assert "L004" not in page
    assert client.get("/staff/L004/").status_code == 404
    assert client.get("/staff/new/").status_code == 403


@pytest.mark.django_db
def test_trainer_cannot_act_on_staff(people, login):
    client = login(people["trainer"])
    assert client.post("/staff/L001/leave/", {"left_on": "2026-01-01"}).status_code == 403
    assert client.post("/staff/L001/roles/", {"roles": ["HR"]}).status_code == 403


@pytest.mark.django_db
def test_audit_log_page_per_role(people, login, no_mfa_enforcement):
    assert login(people["learner"]).get("/audit/").status_code == 403
    assert login(people["trainer"]).get("/audit/").status_code == 403
    assert login(people["hr"]).get("/audit/").status_code == 200


@pytest.mark.django_db
def test_audit_log_filters(people, login, no_mfa_enforcement):
    client = login(people["hr"])
    page = client.get("/audit/", {"action": "role.added", "who": "TR01"}).content.decode()
    assert "Trainer" in page
    assert "AD01" not in page
    page = client.get("/audit/", {"action": "auth.login_failed"}).content.decode()
    assert "TR01" not in page


@pytest.mark.django_db
def test_staff_list_query_count_does_not_grow_with_staff(
    people, make_staff, login, no_mfa_enforcement, django_assert_max_num_queries
):
    client = login(people["hr"])
    for i in range(30):
        make_staff("xihu", number=f"Q{i:03d}")
    with django_assert_max_num_queries(8):
        response = client.get("/staff/")
    assert response.status_code == 200
    with django_assert_max_num_queries(8):
        client.get("/staff/", {"org_unit": people["xihu"].org_unit_id, "q": "Q0"})
