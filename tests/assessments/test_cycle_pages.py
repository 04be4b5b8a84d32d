"""HR's assessment-cycle pages: create, compute in the background, finalise, locked."""

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext

from assessments.cycles import progress_reporter
from assessments.models import (
    AssessmentCycle,
    AssessmentResult,
    CycleState,
    QuizPage,
    ScoringPolicy,
)

pytestmark = pytest.mark.django_db

OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def _hr_without_second_factor(no_mfa_enforcement):
    """HR accounts need a second factor to open pages; not what these tests are about."""


@pytest.fixture
def quiz(course):
    quiz = QuizPage(title="客服知识测验", slug="cycle-quiz")
    course.add_child(instance=quiz)
    return quiz


@pytest.fixture
def cycle():
    return AssessmentCycle.objects.create(
        name="2026年第四季度",
        starts_on=OCTOBER,
        ends_on=datetime.date(2026, 12, 31),
        policy=ScoringPolicy.objects.get(version=1),
    )


def form(name="2026年第四季度", starts_on="2026-10-01", ends_on="2026-12-31", **extra):
    policy = ScoringPolicy.objects.get(version=1)
    return {"name": name, "starts_on": starts_on, "ends_on": ends_on, "policy": policy.pk, **extra}


def compute(client, cycle, capture):
    with capture(execute=True):
        return client.post(f"/assessment/cycles/{cycle.pk}/compute/")


def test_only_hr_and_administrators_open_the_cycle_pages(people, login, cycle):
    gets = ["", "new/", f"{cycle.pk}/", f"{cycle.pk}/status/", f"{cycle.pk}/finalise/"]
    posts = ["new/", f"{cycle.pk}/compute/", f"{cycle.pk}/finalise/"]
    for who in ("learner", "trainer"):
        client = login(people[who])
        for url in gets:
            assert client.get(f"/assessment/cycles/{url}").status_code == 403, url
        for url in posts:
            assert client.post(f"/assessment/cycles/{url}").status_code == 403, url
    client.logout()
    assert client.get("/assessment/cycles/").status_code == 302  # to the sign-in page
    assert login(people["admin"]).get("/assessment/cycles/").status_code == 200
    assert AssessmentCycle.objects.get().state == CycleState.DRAFT


def test_hr_creates_a_cycle_with_its_quizzes_and_the_latest_policy(people, login, quiz):
    client = login(people["hr"])
    page = client.get("/assessment/cycles/new/").content.decode()
    assert "客服知识测验" in page and 'type="date"' in page
    response = client.post("/assessment/cycles/new/", form(quizzes=[quiz.pk]))
    cycle = AssessmentCycle.objects.get()
    assert response.url == f"/assessment/cycles/{cycle.pk}/"
    assert cycle.state == CycleState.DRAFT and cycle.policy.version == 1
    assert list(cycle.required_quizzes.all()) == [quiz]
    listing = client.get("/assessment/cycles/").content.decode()
    assert "2026年第四季度" in listing and f"/assessment/cycles/{cycle.pk}/" in listing


def test_a_cycle_that_ends_before_it_starts_or_repeats_a_name_is_not_created(people, login, cycle):
    client = login(
        people["hr"],
    )
    response = client.post(
        "/assessment/cycles/new/",
        form(name="新周期", starts_on="2026-12-01", ends_on="2026-11-01"),
    )
    assert response.status_code == 200
    with translation.override("zh-hans"):
        message = gettext("The cycle cannot end before it starts.")
    assert response.context["form"].errors["ends_on"] == [message]
    response = client.post("/assessment/cycles/new/", form())
    assert response.status_code == 200
    with translation.override("zh-hans"):
        message = gettext("A cycle with this name already exists.")
    assert response.context["form"].errors["name"] == [message]
    assert list(AssessmentCycle.objects.all()) == [cycle]


def test_hr_computes_recomputes_and_finalises_a_cycle_which_then_stays_locked(
    people, login, cycle, django_capture_on_commit_callbacks
):
    client = login(people["hr"])
    page = client.get(f"/assessment/cycles/{cycle.pk}/").content.decode()
    assert f'action="/assessment/cycles/{cycle.pk}/compute/"' in page
    assert client.get(f"/assessment/cycles/{cycle.pk}/status/").json() == {
        "state": "draft",
        "percent": None,
    }
    response = compute(client, cycle, django_capture_on_commit_callbacks)
    assert response.url == f"/assessment/cycles/{cycle.pk}/"
    cycle.refresh_from_db()
    assert cycle.state == CycleState.COMPUTED
    assert set(AssessmentResult.objects.values_list("user_id", flat=True)) == {
        p.user.pk for p in people.values()
    }
    page = client.get(f"/assessment/cycles/{cycle.pk}/").content.decode()
    assert "王喆" in page and "L001" in page and f"/assessment/cycles/{cycle.pk}/finalise/" in page

    compute(client, cycle, django_capture_on_commit_callbacks)  # recomputing is allowed
    assert AssessmentResult.objects.filter(cycle=cycle).count() == len(people)

    confirm = client.get(f"/assessment/cycles/{cycle.pk}/finalise/")
    assert confirm.status_code == 200 and AssessmentCycle.objects.get().state == "computed"
    client.post(f"/assessment/cycles/{cycle.pk}/finalise/")
    cycle.refresh_from_db()
    assert cycle.state == CycleState.FINALISED and cycle.finalised_by == people["hr"].user
    before = list(AssessmentResult.objects.order_by("pk").values_list("pk", "computed_at"))

    page = client.post(f"/assessment/cycles/{cycle.pk}/compute/", follow=True).content.decode()
    with translation.override("zh-hans"):
        assert gettext("This cycle is finalised: its results can no longer change.") in page
    assert "data-cycle-locked" in page and f"/cycles/{cycle.pk}/compute/" not in page
    assert list(AssessmentResult.objects.order_by("pk").values_list("pk", "computed_at")) == before
    cycle.refresh_from_db()
    assert cycle.state == CycleState.FINALISED


def test_a_draft_cycle_cannot_be_finalised(people, login, cycle):
    client = login(people["hr"])
    assert client.post(f"/assessment/cycles/{cycle.pk}/finalise/").status_code == 302
    cycle.refresh_from_db()
    assert cycle.state == CycleState.DRAFT


def test_a_running_computation_shows_its_progress(people, login, cycle):
    progress_reporter(cycle)(40)
    client = login(people["hr"])
    page = client.get(f"/assessment/cycles/{cycle.pk}/").content.decode()
    assert "data-cycle-progress" in page and "cycle-progress.js" in page
    assert f"/cycles/{cycle.pk}/compute/" not in page
    assert client.get(f"/assessment/cycles/{cycle.pk}/status/").json() == {
        "state": "draft",
        "percent": 40,
    }


def test_the_results_page_makes_a_fixed_number_of_queries(
    people,
    login,
    make_staff,
    cycle,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    client = login(people["hr"])
    compute(client, cycle, django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(20) as few:
        client.get(f"/assessment/cycles/{cycle.pk}/")
        queries = len(few)
    for n in range(15):
        make_staff("xihu", name=f"员工{n}")
    compute(client, cycle, django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(queries):
        page = client.get(f"/assessment/cycles/{cycle.pk}/").content.decode()
    assert "员工14" in page
