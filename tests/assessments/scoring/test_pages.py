"""HR's scoring policy pages: read, change (as a new version), refuse nonsense, old versions."""

import dataclasses
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessments.models import ScoringPolicy
from assessments.scoring import arithmetic, selectors, services
from assessments.scoring.forms import PolicyForm
from tests.factories import in_english

pytestmark = pytest.mark.django_db


def form_data(**changes) -> dict:
    """The edit form as the page offers it for the current version, with some changes."""
    form = PolicyForm(policy=selectors.policy_current().policy)
    data = {
        name: "" if field.initial is None else str(field.initial)
        for name, field in form.fields.items()
    }
    data["note"] = "调整权重"
    data.update({key: str(value) for key, value in changes.items()})
    return data


def test_only_hr_and_administrators_see_and_change_the_policy(people, login):
    for who in ("learner", "trainer"):
        client = login(people[who])
        for url in ("/assessment/policy/", "/assessment/policy/edit/", "/assessment/policy/v1/"):
            assert client.get(url).status_code == 403
        assert client.post("/assessment/policy/edit/", form_data()).status_code == 403
    for who in ("hr", "admin"):
        assert login(people[who]).get("/assessment/policy/").status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/assessment/policy/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_page_shows_version_two_with_bands_and_parts_by_position(people, login):
    """Version 1 held DESIGN.md's defaults; the migration added version 2 from it: efficiency
    bands, exception handling's two halves and the parts that apply to each position."""
    response = in_english(login(people["hr"])).get("/assessment/policy/")
    context = response.context
    assert context["version"].version == 2
    # knowledge, satisfaction, efficiency, teamwork: (weight, floor)
    assert [(weight, floor) for _label, weight, floor in context["parts"]] == [
        (30, 60),
        (25, 60),
        (25, 60),
        (20, 60),
    ]
    assert [minimum for _label, minimum in context["bands"]] == [90, 80, 60]
    # pickups, deliveries, queries, exceptions (contact), exceptions (solution), accuracy
    assert [(zero, full) for _label, zero, full in context["measures"]] == [
        (70, 95),
        (75, 98),
        (70, 95),
        (60, 95),
        (60, 95),
        (99, Decimal("99.9")),
    ]
    # courier, customer service, station staff, trainer, HR, manager
    half = Decimal("0.5")
    assert [weights for _label, weights in context["grid"]] == [
        [1, 2, None, half, half, 1],
        [None, None, 2, half, half, 1],
        [None, None, None, half, half, 2],
        [None] * 6,
        [None] * 6,
        [None] * 6,
    ]
    assert context["applies"][2][1] == [
        "Applies",
        "Applies when there is data",
        "Applies",
        "Applies",
    ]
    # the migration's version equals the code's defaults
    assert context["version"].policy == arithmetic.DEFAULT_POLICY
    html = response.content.decode()
    for text in (
        "Knowledge",
        "Teamwork and communication",
        "Mystery shopping",
        "Phone interview",
        "First reply after 24 hours",
        "Customer-service agent",
        "Excellent",
        "Good",
        "Pass",
        "The best attempt",
        "99.9",
        "Exceptions offered a solution within 2 hours",
        "Which parts apply to which position",
    ):
        assert text in html
    assert [v.version for v in context["versions"]] == [2, 1]


def test_the_edit_form_offers_the_current_numbers(people, login):
    response = login(people["hr"]).get("/assessment/policy/edit/")
    form = response.context["form"]
    assert form["part_knowledge"].initial == 30
    assert form["target_queries"].initial == 95
    assert form["zero_queries"].initial == 70
    assert form["applies_station_staff_satisfaction"].initial == "if_data"
    assert form["applies_courier_satisfaction"].initial == "required"
    assert form["weight_station_staff_accuracy"].initial == 2
    assert form["weight_station_staff_pickups"].initial is None
    assert form["attempt_rule"].initial == "best"
    html = response.content.decode()
    assert 'name="weight_manager_accuracy"' in html
    assert 'type="radio" name="attempt_rule" value="mean"' in html


def test_saving_changed_weights_adds_version_three_with_the_note_and_the_author(people, login):
    client = login(people["hr"])
    data = form_data(
        part_knowledge=40,
        part_teamwork=10,
        attempt_rule="latest",
        target_pickups="97.5",
        weight_station_staff_pickups=1,
        weight_courier_accuracy="",
        applies_station_staff_satisfaction="",
        zero_deliveries=80,
    )
    response = client.post("/assessment/policy/edit/", data)
    assert response.status_code == 302
    assert response["Location"] == "/assessment/policy/"
    saved = ScoringPolicy.objects.get(version=3)
    assert saved.note == "调整权重"
    assert saved.created_by == people["hr"].user
    policy = saved.policy
    assert policy.part_weights["knowledge"] == 40
    assert policy.part_weights["teamwork"] == 10
    assert policy.attempt_rule == "latest"
    assert policy.measure_bands["pickups"] == (Decimal("0.7"), Decimal("0.975"))
    assert policy.measure_bands["deliveries"] == (Decimal("0.8"), Decimal("0.98"))
    assert policy.position_measures["station_staff"] == {
        "pickups": 1,
        "exceptions": Decimal("0.5"),
        "solutions": Decimal("0.5"),
        "accuracy": 2,
    }
    assert policy.applies("station_staff", "satisfaction") is None
    assert policy.applies("station_staff", "knowledge") == "required"
    assert "accuracy" not in policy.position_measures["courier"]
    assert "trainer" not in policy.position_measures
    page = client.get("/assessment/policy/")
    assert page.context["version"].version == 3
    assert [v.version for v in page.context["versions"]] == [3, 2, 1]
    assert "调整权重" in page.content.decode()


def test_weights_adding_up_to_90_are_refused_and_nothing_is_saved(people, login):
    client = in_english(login(people["hr"]))
    response = client.post("/assessment/policy/edit/", form_data(part_teamwork=10))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The part weights must add up to 100; they add up to 90."
    ]
    assert "they add up to 90" in response.content.decode()
    assert ScoringPolicy.objects.count() == 2


def test_bands_out_of_order_are_refused(people, login):
    client = in_english(login(people["hr"]))
    response = client.post("/assessment/policy/edit/", form_data(band_good=95))
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1 and errors[0].startswith("The grade bands must go down")
    assert ScoringPolicy.objects.count() == 2


def test_every_problem_is_listed_at_once(people, login):
    client = in_english(login(people["hr"]))
    response = client.post(
        "/assessment/policy/edit/",
        form_data(target_queries=120, penalty_service=-1, floor_knowledge=101),
    )
    errors = response.context["form"].non_field_errors()
    assert errors == [
        "Complaint penalties and the late-reply penalty cannot be negative.",
        "The band for “Queries answered within 5 minutes” must go from a rate that scores 0 to "
        "a higher rate that scores 100, both between 0 and 100%; it goes from 70% to 120%.",
        "Every part's floor must lie between 0 and 100.",
    ]
    assert ScoringPolicy.objects.count() == 2


def test_a_note_is_required(people, login):
    response = login(people["hr"]).post("/assessment/policy/edit/", form_data(note=""))
    assert response.status_code == 200
    assert response.context["form"].has_error("note")
    assert ScoringPolicy.objects.count() == 2


def test_saving_an_unchanged_policy_adds_no_version(people, login):
    client = in_english(login(people["admin"]))
    response = client.post("/assessment/policy/edit/", form_data(part_knowledge="30.00"))
    assert response.status_code == 302
    assert ScoringPolicy.objects.count() == 2
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == [
        "Nothing changed: the policy stays at version 2."
    ]


def test_old_versions_stay_readable(people, login):
    client = login(people["hr"])
    client.post("/assessment/policy/edit/", form_data(part_knowledge=35, part_teamwork=15))
    old = client.get("/assessment/policy/v1/")
    assert old.status_code == 200
    assert old.context["version"].version == 1
    assert not old.context["current"]
    parts = {label: weight for label, weight, _floor in old.context["parts"]}
    assert list(parts.values()) == [30, 25, 25, 20]
    # version 1 was written before bands: its targets read as bands from 0 ("rate / target")
    assert [(zero, full) for _l, zero, full in old.context["measures"]][:2] == [(0, 95), (0, 95)]
    new = client.get("/assessment/policy/v3/")
    assert [w for _l, w, _f in new.context["parts"]] == [35, 25, 25, 15]
    assert new.context["current"]
    assert client.get("/assessment/policy/v4/").status_code == 404


def test_the_service_refuses_nonsense_and_numbers_versions(people):
    bad = dataclasses.replace(arithmetic.DEFAULT_POLICY, bands=())
    with pytest.raises(ValidationError):
        services.policy_save(bad, note="x", by=people["hr"].user)
    assert services.policy_save(arithmetic.DEFAULT_POLICY, note="x", by=None).version == 2
    changed = dataclasses.replace(arithmetic.DEFAULT_POLICY, attempt_rule="mean")
    saved = services.policy_save(changed, note="mean", by=people["hr"].user)
    assert saved.version == 3 and saved.policy == changed


def test_version_one_is_named_in_words_hr_reads_not_a_developer_file(people, login):
    """Issue 21: HR saw "评分规则版本 1 · DESIGN.md defaults"; the migration relabels it."""
    label = "默认规则（依据服务手册）"  # noqa: RUF001
    assert ScoringPolicy.objects.get(version=1).note == label
    body = login(people["hr"]).get("/assessment/policy/v1/").content.decode()
    assert label in body
    assert "DESIGN.md" not in body
