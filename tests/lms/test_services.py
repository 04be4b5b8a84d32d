"""People and organisation services."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from lms import services
from lms.models import OrgUnit, StaffProfile, User
from lms.models.audit import AuditAction, AuditEvent
from lms.selectors import staff_under_unit
from lms.signals import staff_created


@pytest.mark.django_db
def test_org_tree_kinds_are_enforced(org):
    with pytest.raises(ValidationError):
        services.orgunit_create(name="错层", kind="team", code="bad", parent=org["east"])
    with pytest.raises(ValidationError):
        services.orgunit_create(name="孤立区", kind="region", code="bad2")
    assert OrgUnit.objects.filter(code__startswith="bad").count() == 0


@pytest.mark.django_db
def test_everyone_under_a_unit_is_one_query(org, make_staff, django_assert_num_queries):
    make_staff("pudong-team", number="U1")
    make_staff("xihu", number="U2")
    make_staff("tianhe", number="U3")
    with django_assert_num_queries(1):
        assert {p.user.username for p in staff_under_unit(org["east"])} == {"U1", "U2"}
    with django_assert_num_queries(1):
        assert {p.user.username for p in staff_under_unit(org["co"])} == {"U1", "U2", "U3"}


@pytest.mark.django_db
def test_staff_create_defaults_and_hook(org, django_capture_on_commit_callbacks):
    received = []

    def listener(sender, profile, by, **kwargs):
        received.append(profile)

    staff_created.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            profile = services.staff_create(
                employee_number=" S100 ",
                full_name="钱多多",
                org_unit=org["tianhe"],
                position="trainer",
                hire_date=datetime.date(2026, 11, 1),
            )
    finally:
        staff_created.disconnect(listener)
    assert profile.user.username == "S100"
    assert not profile.user.has_usable_password()
    assert set(profile.user.groups.values_list("name", flat=True)) == {"Learner", "Trainer"}
    assert received == [profile]


@pytest.mark.django_db
def test_duplicate_email_is_refused(org, make_staff):
    make_staff(email="same@example.com")
    with pytest.raises(ValidationError):
        make_staff(email="SAME@example.com")
    assert User.objects.filter(email="same@example.com").count() == 1


@pytest.mark.django_db
def test_leaver_is_deactivated_never_deleted(make_staff):
    person = make_staff()
    services.staff_mark_left(profile=person, on=datetime.date(2026, 6, 30))
    person.refresh_from_db()
    assert person.status == "left" and person.left_on == datetime.date(2026, 6, 30)
    assert not User.objects.get(pk=person.user_id).is_active
    assert StaffProfile.objects.filter(pk=person.pk).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.STAFF_LEFT, object_id=str(person.pk)
    ).exists()


@pytest.mark.django_db
def test_staff_update_records_what_changed(make_staff, org):
    person = make_staff(name="旧名")
    services.staff_update(profile=person, full_name="新名", org_unit=org["xihu"])
    event = AuditEvent.objects.get(action=AuditAction.STAFF_UPDATED)
    assert event.details["changed"]["full_name"] == ["旧名", "新名"]
    services.staff_update(profile=person, full_name="新名")
    assert AuditEvent.objects.filter(action=AuditAction.STAFF_UPDATED).count() == 1


@pytest.mark.django_db
def test_role_changes_are_audited_from_either_side(make_staff):
    person = make_staff(roles=[])
    hr = Group.objects.get(name="HR")
    person.user.groups.add(hr)
    hr.user_set.remove(person.user)
    person.user.groups.add(hr)
    person.user.groups.clear()
    actions = list(
        AuditEvent.objects.filter(object_id=str(person.user.pk), action__startswith="role.")
        .order_by("id")
        .values_list("action", "details__role")
    )
    assert actions == [
        ("role.added", "HR"),
        ("role.removed", "HR"),
        ("role.added", "HR"),
        ("role.removed", "HR"),
    ]


@pytest.mark.django_db
def test_org_unit_codes_are_unique_with_a_clear_error(org):
    with pytest.raises(ValidationError, match="east"):
        services.orgunit_create(name="另一个", kind="region", code="east", parent=org["co"])
    assert OrgUnit.objects.filter(code="east").count() == 1


def test_behind_a_proxy_the_client_address_is_the_one_the_proxy_added(rf, settings):
    from lms.audit import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    settings.USE_X_FORWARDED_FOR = False
    assert client_ip(request) == "10.0.0.2"
    settings.USE_X_FORWARDED_FOR = True  # the first entry is the client's own words
    assert client_ip(request) == "203.0.113.9"
