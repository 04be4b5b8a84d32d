"""The organisation page: the tree with head counts; administrators add units."""

import pytest

from lms.models import OrgUnit
from lms.models.audit import AuditAction, AuditEvent
from lms.selectors import org_tree_with_counts

pytestmark = pytest.mark.usefixtures("no_mfa_enforcement")


@pytest.mark.django_db
def test_head_counts_include_everyone_below(people, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        rows = {unit.code: (own, total) for unit, own, total in org_tree_with_counts()}
    assert rows["pudong-team"] == (2, 2)
    assert rows["east"] == (1, 4)  # the trainer sits at the region itself
    assert rows["co"] == (2, 7)


@pytest.mark.django_db
def test_administrator_adds_a_unit_of_the_right_kind(people, org, login):
    client = login(people["admin"])
    html = client.get("/org/").content.decode()
    assert 'action="/org/xihu/add/"' in html
    assert 'action="/org/pudong-team/add/"' not in html  # teams have no units under them
    response = client.post("/org/xihu/add/", {"name": "西湖客服组", "code": "xihu-service"})
    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="xihu-service")
    assert unit.kind == "team"
    assert unit.get_parent().code == "xihu"
    assert AuditEvent.objects.filter(action=AuditAction.ORG_UNIT_CREATED, object_id=str(unit.pk))


@pytest.mark.django_db
def test_bad_units_are_refused_and_nothing_changes(people, org, login):
    client = login(people["admin"])
    before = OrgUnit.objects.count()
    client.post("/org/pudong-team/add/", {"name": "小组", "code": "sub-team"})  # under a team
    client.post("/org/xihu/add/", {"name": "重复", "code": "pudong"})  # code taken
    client.post("/org/xihu/add/", {"name": "坏代码", "code": "有 空格"})  # not a slug
    assert OrgUnit.objects.count() == before


@pytest.mark.django_db
def test_only_administrators_add_units(people, login):
    assert login(people["hr"]).get("/org/").status_code == 200
    assert (
        login(people["hr"]).post("/org/xihu/add/", {"name": "x", "code": "x"}).status_code == 403
    )
    assert login(people["trainer"]).get("/org/").status_code == 403
    assert login(people["learner"]).get("/org/").status_code == 403


@pytest.mark.django_db
def test_first_administrator_starts_the_tree(client):
    from lms.models import User

    admin = User.objects.create_superuser("root", "root@example.com", "a-long-password-1")
    client.force_login(admin)
    assert 'action="/org/add/"' in client.get("/org/").content.decode()
    client.post("/org/add/", {"name": "新公司", "code": "newco"})
    assert OrgUnit.objects.get(code="newco").kind == "company"
