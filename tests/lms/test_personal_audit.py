"""Looks at other people's records in the audit log: who, what, whose, when, from where; the
page where a person sees who has looked at theirs; the audit log filtered by whose data."""

import pytest

from lms.audit import PersonalRecord, personal_exported, personal_viewed
from lms.models.audit import AuditAction, AuditEvent
from tests.factories import in_english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa_enforcement")]


def viewed():
    return AuditEvent.objects.filter(action=AuditAction.PERSONAL_VIEWED)


def test_opening_someones_staff_record_is_logged_once_with_whose_and_where(
    people, login, django_assert_max_num_queries
):
    client = login(people["hr"])
    with django_assert_max_num_queries(12):
        response = client.get("/staff/L001/", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    event = viewed().get()
    assert event.actor == people["hr"].user
    assert event.subject == people["learner"].user and event.subject_label == "L001"
    assert event.ip_address == "10.1.2.3"
    assert event.details["record"] == PersonalRecord.STAFF
    assert event.details["roles"] == ["HR", "Learner"]


def test_behind_a_proxy_the_address_is_the_one_the_proxy_added(people, login, settings):
    settings.USE_X_FORWARDED_FOR = True
    login(people["hr"]).get(
        "/staff/L002/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9"
    )
    assert viewed().get().ip_address == "203.0.113.9"


def test_opening_ones_own_staff_record_is_not_logged(people, login):
    response = login(people["hr"]).get("/staff/HR01/")
    assert response.status_code == 200
    assert not viewed().exists()


def test_a_staff_record_nobody_may_see_logs_nothing(people, login):
    assert login(people["trainer"]).get("/staff/L004/").status_code == 404  # the south
    assert not viewed().exists()


def _looks(people, rf):
    """HR and the trainer look at the learner; the learner looks at themselves; HR also looks
    at a colleague."""
    for viewer, subject in [
        ("hr", "learner"),
        ("trainer", "learner"),
        ("learner", "learner"),
        ("hr", "colleague"),
    ]:
        request = rf.get("/", REMOTE_ADDR="10.9.9.9")
        request.user = people[viewer].user
        personal_viewed(
            request=request, subject=people[subject].user, record=PersonalRecord.RESULT
        )


def test_who_has_seen_my_records_lists_others_looks_at_mine_only(
    people, login, rf, django_assert_max_num_queries
):
    _looks(people, rf)
    client = in_english(login(people["learner"]))
    with django_assert_max_num_queries(8):
        response = client.get("/account/access/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.employee_number for row in rows] == ["TR01", "HR01"]  # newest first
    page = response.content.decode()
    assert "陈静" in page and "林海峰" in page and "Trainer" in page and "HR" in page
    assert "Assessment result and explanation" in page
    assert "李堃" not in page  # the colleague's record is not the learner's business
    assert "10.9.9.9" not in page  # the viewers' addresses stay in the audit log
    colleague = login(people["colleague"]).get("/account/access/")
    assert [row.employee_number for row in colleague.context["rows"]] == ["HR01"]


def test_who_has_seen_my_records_is_paginated_and_says_when_nobody_has(people, login, rf):
    page = in_english(login(people["south"])).get("/account/access/").content.decode()
    assert "No one else has looked at your records." in page
    request = rf.get("/")
    request.user = people["hr"].user
    for _ in range(51):
        personal_viewed(request=request, subject=people["south"].user, record=PersonalRecord.STAFF)
    client = login(people["south"])
    assert len(client.get("/account/access/").context["rows"]) == 50
    assert len(client.get("/account/access/?page=2").context["rows"]) == 1


def test_the_account_page_links_to_it_and_to_the_copy_of_ones_data(people, login):
    page = login(people["learner"]).get("/account/").content.decode()
    assert 'href="/account/access/"' in page and 'href="/account/my-data.zip"' in page


def test_the_audit_log_filters_by_whose_data(people, login, rf):
    _looks(people, rf)
    client = login(people["admin"])
    events = client.get("/audit/?subject=l002").context["page_obj"].object_list
    assert [(e.actor.username, e.subject_label) for e in events] == [("HR01", "L002")]
    page = client.get("/audit/?subject=L001").content.decode()
    assert page.count('">L001</td>') == 2


def test_the_subject_is_kept_by_its_label_when_the_account_goes(people, rf, login):
    _looks(people, rf)
    people["colleague"].delete()
    people["colleague"].user.delete()
    event = AuditEvent.objects.get(subject_label="L002")
    assert event.subject is None
    events = login(people["admin"]).get("/audit/?subject=L002").context["page_obj"]
    assert [e.pk for e in events] == [event.pk]


def test_the_audit_log_says_what_kind_of_data_and_how_many_people(people, login, rf):
    request = rf.get("/")
    request.user = people["hr"].user
    personal_exported(request=request, record=PersonalRecord.RESULTS, scope={"cycle": 1}, people=4)
    personal_viewed(request=request, subject=people["learner"].user, record=PersonalRecord.APPEAL)
    page = in_english(login(people["admin"])).get("/audit/").content.decode()
    assert "Personal data exported: Assessment results of a cycle (4 people)" in page
    assert "Personal data viewed: Appeal</td>" in page
