"""Looks at results, explanations and appeals of other people, and the cycle's export, in the
audit log: one event per page or file, naming whose data (or the scope and how many)."""

import pytest
from django.utils import timezone

from assessments.cycles.services import appeal_raise
from assessments.models import CycleState
from lms.audit import PersonalRecord
from lms.models.audit import AuditAction, AuditEvent
from tests.factories import computed_result, make_cycle, save_results

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(people):
    cycle = make_cycle(days=89, state=CycleState.COMPUTED, computed_at=timezone.now())
    save_results(
        computed_result(cycle, people["learner"], (90, 72, 95, 60)),
        computed_result(cycle, people["colleague"], (80, None, 70, 70)),
        computed_result(cycle, people["south"], (100, 90, 95, 100)),
        computed_result(cycle, people["hr"], (100, 90, 95, 100)),
    )
    return cycle


def events(action=AuditAction.PERSONAL_VIEWED):
    return AuditEvent.objects.filter(action=action)


def test_hr_opening_a_persons_result_is_logged_once(
    cycle, people, login, django_assert_max_num_queries
):
    client = login(people["hr"])
    with django_assert_max_num_queries(11):
        response = client.get(
            f"/assessment/cycles/{cycle.pk}/people/{people['learner'].user.pk}/",
            REMOTE_ADDR="10.0.0.7",
        )
    assert response.status_code == 200
    event = events().get()
    assert (event.actor, event.subject, event.ip_address) == (
        people["hr"].user,
        people["learner"].user,
        "10.0.0.7",
    )
    assert event.details["record"] == PersonalRecord.RESULT
    assert event.object_repr == cycle.name


def test_a_result_out_of_scope_logs_nothing(cycle, people, login):
    url = f"/assessment/cycles/{cycle.pk}/people/{people['south'].user.pk}/"
    assert login(people["trainer"]).get(url).status_code == 404
    assert not events().exists()


def test_ones_own_result_is_not_logged(cycle, people, login):
    client = login(people["hr"])
    assert (
        client.get(f"/assessment/cycles/{cycle.pk}/people/{people['hr'].user.pk}/").status_code
        == 200
    )
    assert login(people["learner"]).get(f"/assessment/mine/{cycle.pk}/").status_code == 200
    assert not events().exists()


def test_hr_opening_an_appeal_is_logged_once(cycle, people, login):
    appeal = appeal_raise(
        user=people["learner"].user, cycle=cycle, part="satisfaction", comment="不是我的客户。"
    )
    response = login(people["hr"]).get(f"/assessment/appeals/{appeal.pk}/")
    assert response.status_code == 200
    event = events().get()
    assert event.subject == people["learner"].user
    assert event.details["record"] == PersonalRecord.APPEAL
    assert event.details["appeal"] == appeal.pk


def test_the_cycle_page_logs_how_many_people_it_listed(cycle, people, login):
    assert login(people["hr"]).get(f"/assessment/cycles/{cycle.pk}/").status_code == 200
    event = events().get()
    assert event.subject is None
    assert event.details["record"] == PersonalRecord.RESULTS
    assert (event.details["people"], event.details["scope"]) == (4, {"cycle": cycle.pk, "page": 1})


def test_the_dashboard_logs_the_people_it_names(cycle, people, login):
    response = login(people["hr"]).get(f"/assessment/cycles/{cycle.pk}/dashboard/")
    assert response.status_code == 200
    named = len(response.context["missing_page"].object_list)
    assert named  # the colleague has no satisfaction data
    event = events().get()
    assert event.details["people"] == named
    assert event.details["scope"]["cycle"] == cycle.pk


def test_an_xlsx_export_is_one_event_with_its_scope_and_count(
    cycle, people, login, org, django_assert_max_num_queries
):
    client = login(people["hr"])
    with django_assert_max_num_queries(9):
        response = client.get(
            f"/assessment/cycles/{cycle.pk}/export.xlsx?unit={org['pudong'].pk}",
            REMOTE_ADDR="10.0.0.8",
        )
    assert response.status_code == 200
    event = events(AuditAction.PERSONAL_EXPORTED).get()
    assert (event.actor, event.subject, event.ip_address) == (
        people["hr"].user,
        None,
        "10.0.0.8",
    )
    assert event.details["people"] == 2  # the learner and the colleague, in 浦东
    assert event.details["scope"] == {
        "cycle": cycle.pk,
        "unit": org["pudong"].pk,
        "position": "",
        "format": "xlsx",
    }


def test_a_csv_export_is_logged_once_it_is_sent(cycle, people, login):
    response = login(people["hr"]).get(f"/assessment/cycles/{cycle.pk}/export.xlsx?format=csv")
    assert not events(AuditAction.PERSONAL_EXPORTED).exists()  # streamed: not yet sent
    b"".join(response.streaming_content)
    event = events(AuditAction.PERSONAL_EXPORTED).get()
    assert event.details["people"] == 4 and event.details["scope"]["format"] == "csv"
