"""HR's staff pages: create, invite, mark as left, reinstate; roles by administrators."""

import pytest
from django.core import mail

from lms.models import StaffProfile, StaffStatus, User
from lms.models.audit import AuditAction, AuditEvent
from lms.roles import Role

pytestmark = pytest.mark.usefixtures("no_mfa_enforcement")


@pytest.mark.django_db
def test_hr_creates_staff_and_the_link_is_emailed(people, org, login):
    client = login(people["hr"])
    response = client.post(
        "/staff/new/",
        {
            "employee_number": "N0001",
            "full_name": "赵一鸣",
            "org_unit": org["pudong-team"].pk,
            "position": "courier",
            "hire_date": "2026-11-20",
            "email": "Zhao@Example.com",
        },
    )
    assert response.status_code == 302
    profile = StaffProfile.objects.get(user__username="N0001")
    assert profile.user.email == "zhao@example.com"
    assert not profile.user.has_usable_password()
    assert set(profile.user.groups.values_list("name", flat=True)) == {"Learner"}
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(
        action=AuditAction.STAFF_CREATED, actor=people["hr"].user
    ).exists()


@pytest.mark.django_db
def test_duplicate_employee_number_is_refused_and_nothing_changes(people, org, login):
    client = login(people["hr"])
    before = User.objects.count()
    response = client.post(
        "/staff/new/",
        {
            "employee_number": "L001",
            "full_name": "重复",
            "org_unit": org["pudong"].pk,
            "position": "courier",
            "hire_date": "2026-11-20",
        },
    )
    assert response.status_code == 200
    assert "L001" in response.content.decode()
    assert response.context["form"].errors["employee_number"]
    assert User.objects.count() == before
    assert len(mail.outbox) == 0


@pytest.mark.django_db
def test_hr_marks_a_leaver_and_keeps_the_record(people, login):
    client = login(people["hr"])
    response = client.post("/staff/L002/leave/", {"left_on": "2026-10-31"})
    assert response.status_code == 302
    profile = StaffProfile.objects.get(user__username="L002")
    assert profile.status == StaffStatus.LEFT
    assert not profile.user.is_active
    client.post("/staff/L002/reinstate/")
    profile.refresh_from_db()
    profile.user.refresh_from_db()
    assert profile.status == StaffStatus.ACTIVE and profile.user.is_active


@pytest.mark.django_db
def test_only_administrators_change_roles_and_it_is_audited(people, org, login):
    hr_client = login(people["hr"])
    assert hr_client.post("/staff/L001/roles/", {"roles": ["HR"]}).status_code == 403
    client = login(people["admin"])
    response = client.post(
        "/staff/L001/roles/", {"roles": ["Learner", "Trainer"], "trainer_units": [org["south"].pk]}
    )
    assert response.status_code == 302
    user = User.objects.get(username="L001")
    assert set(user.groups.values_list("name", flat=True)) == {"Learner", "Trainer"}
    added = AuditEvent.objects.filter(action=AuditAction.ROLE_ADDED, object_id=str(user.pk))
    assert added.filter(details__role="Trainer", actor=people["admin"].user).exists()


@pytest.mark.django_db
def test_staff_list_pages_keep_the_filters(people, make_staff, login):
    for i in range(55):
        make_staff("xihu", number=f"PG{i:03d}")
    client = login(people["hr"])
    first = client.get("/staff/", {"position": "courier"}).content.decode()
    assert "position=courier&amp;page=2" in first
    row = '<th scope="row" class="stack-title"><a href="/staff/'
    # 55 new couriers and the 4 learners of the fixture (also couriers), 50 per page
    assert first.count(row) == 50
    second = client.get("/staff/", {"position": "courier", "page": 2}).content.decode()
    assert second.count(row) == 9
    assert "PG054" in second and "HR01" not in second


# The role order: HR acts on staff accounts; only an administrator on HR and administrators ---


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["admin", "hr"])
@pytest.mark.parametrize(
    "action, data",
    [("invite", {}), ("leave", {"left_on": "2026-10-31"}), ("roles", {"roles": ["Learner"]})],
)
def test_hr_cannot_act_on_an_administrator_or_hr_account(
    people, make_staff, login, target, action, data
):
    if target == "admin":
        account = people["admin"]
    else:  # another HR account than the one signed in
        account = make_staff("co", roles=[Role.LEARNER, Role.HR], position="hr", number="HR02")
    client = login(people["hr"])
    before = AuditEvent.objects.count()
    response = client.post(f"/staff/{account.user.username}/{action}/", data)
    assert response.status_code == 403
    account.refresh_from_db()
    account.user.refresh_from_db()
    assert account.status == StaffStatus.ACTIVE and account.user.is_active
    assert AuditEvent.objects.count() == before
    assert len(mail.outbox) == 0


@pytest.mark.django_db
def test_the_takeover_of_the_review_fails(people, login, client):
    """HR asked for a set-password link of the administrator, to open it signed out."""
    admin = people["admin"].user
    admin.email = ""
    admin.save()
    page = login(people["hr"]).get(f"/staff/{admin.username}/")
    assert page.status_code == 200
    assert f"/staff/{admin.username}/invite/" not in page.content.decode()
    response = client.post(f"/staff/{admin.username}/invite/", follow=True)
    assert response.status_code == 403
    assert "/accounts/password/reset/key/" not in response.content.decode()


@pytest.mark.django_db
def test_an_administrator_acts_on_hr_and_sees_the_link_only_without_email(people, login):
    client = login(people["admin"])
    hr = people["hr"]
    hr.user.email = "hr@example.com"
    hr.user.save()
    response = client.post(f"/staff/{hr.user.username}/invite/", follow=True)
    text = response.content.decode()
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" not in text  # e-mailed, so not shown
    hr.user.email = ""
    hr.user.save()
    response = client.post(f"/staff/{hr.user.username}/invite/", follow=True)
    assert "/accounts/password/reset/key/" in response.content.decode()
    assert (
        client.post(f"/staff/{hr.user.username}/leave/", {"left_on": "2026-10-31"}).status_code
        == 302
    )
    hr.refresh_from_db()
    assert hr.status == StaffStatus.LEFT


@pytest.mark.django_db
def test_hr_still_acts_on_staff_and_sees_the_link_when_mail_fails(people, login, monkeypatch):
    learner = people["learner"]
    learner.user.email = "learner@example.com"
    learner.user.save()

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("lms.services.send_mail", refuse)
    response = login(people["hr"]).post(f"/staff/{learner.user.username}/invite/", follow=True)
    assert response.status_code == 200
    assert "/accounts/password/reset/key/" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.STAFF_INVITED)
    assert event.details == {"emailed": False}


@pytest.mark.django_db
def test_only_an_administrator_creates_an_hr_account(people, org, login):
    data = {
        "employee_number": "N0002",
        "full_name": "孙悦",
        "org_unit": org["co"].pk,
        "position": "hr",
        "hire_date": "2026-11-20",
    }
    response = login(people["hr"]).post("/staff/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["position"]
    assert not User.objects.filter(username="N0002").exists()
    assert login(people["admin"]).post("/staff/new/", data).status_code == 302
    assert User.objects.get(username="N0002").groups.filter(name="HR").exists()
