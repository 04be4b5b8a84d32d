"""The assessment-cycle pages: HR creates, computes in the background, finalises (then the
cycle is locked); trainers read the computed and finalised cycles of the staff they follow."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from assessments.cycles.compute import cycle_compute, progress_reporter
from assessments.cycles.services import appeal_raise
from assessments.cycles.tasks import compute_cycle
from assessments.models import (
    AssessmentCycle,
    AssessmentResult,
    CycleState,
    QuizPage,
    ScoringPolicy,
)
from tests.factories import computed_result, in_english, make_cycle, queued_task, save_results

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(course):
    quiz = QuizPage(title="客服知识测验", slug="cycle-quiz")
    course.add_child(instance=quiz)
    return quiz


def form(name="2026年第四季度", starts_on="2026-10-01", ends_on="2026-12-31", **extra):
    policy = ScoringPolicy.objects.get(version=1)
    return {"name": name, "starts_on": starts_on, "ends_on": ends_on, "policy": policy.pk, **extra}


def compute(client, cycle, capture):
    with capture(execute=True):
        return client.post(f"/assessment/cycles/{cycle.pk}/compute/")


def test_only_hr_and_administrators_open_the_cycle_pages(people, login, cycle):
    gets = ["", "new/", f"{cycle.pk}/", f"{cycle.pk}/status/", f"{cycle.pk}/finalise/"]
    posts = ["new/", f"{cycle.pk}/compute/", f"{cycle.pk}/finalise/"]
    client = login(people["learner"])
    for url in gets:
        assert client.get(f"/assessment/cycles/{url}").status_code == 403, url
    for url in posts:
        assert client.post(f"/assessment/cycles/{url}").status_code == 403, url
    client = login(people["trainer"])  # trainers read computed cycles only, and change none
    assert client.get("/assessment/cycles/").status_code == 200
    for url in ("new/", f"{cycle.pk}/finalise/"):
        assert client.get(f"/assessment/cycles/{url}").status_code == 403, url
    for url in (f"{cycle.pk}/", f"{cycle.pk}/status/"):
        assert client.get(f"/assessment/cycles/{url}").status_code == 404, url
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
        "running": False,
        "percent": None,
    }
    response = compute(client, cycle, django_capture_on_commit_callbacks)
    assert response.url == f"/assessment/cycles/{cycle.pk}/"
    cycle.refresh_from_db()
    assert cycle.state == CycleState.COMPUTED
    frontline = {p.user.pk for p in people.values() if p.position == "courier"}
    assert set(AssessmentResult.objects.values_list("user_id", flat=True)) == frontline
    page = client.get(f"/assessment/cycles/{cycle.pk}/").content.decode()
    assert "王喆" in page and "L001" in page and f"/assessment/cycles/{cycle.pk}/finalise/" in page

    compute(client, cycle, django_capture_on_commit_callbacks)  # recomputing is allowed
    assert AssessmentResult.objects.filter(cycle=cycle).count() == len(frontline)

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
    cycle.compute_task_id = queued_task(compute_cycle, cycle.pk)  # waiting for a worker
    cycle.save(update_fields=["compute_task_id"])
    progress_reporter(cycle)(40)
    client = login(people["hr"])
    page = client.get(f"/assessment/cycles/{cycle.pk}/").content.decode()
    assert "data-progress=" in page and "progress.js" in page
    assert f"/cycles/{cycle.pk}/compute/" not in page
    assert client.get(f"/assessment/cycles/{cycle.pk}/status/").json() == {
        "state": "draft",
        "running": True,
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


# Trainers: read-only, the staff they follow ----------------------------------------------------


@pytest.fixture
def computed(people):
    cycle = make_cycle(
        name="第三季度",
        starts_on=datetime.date(2026, 7, 1),
        days=89,
        state=CycleState.COMPUTED,
        computed_at=timezone.now(),
    )
    save_results(*(computed_result(cycle, p) for p in people.values()))
    return cycle


def test_trainers_see_the_computed_and_finalised_cycles_but_no_drafts(
    people, login, cycle, computed
):
    finalised = make_cycle(
        name="第二季度",
        starts_on=datetime.date(2026, 4, 1),
        days=89,
        state=CycleState.FINALISED,
        computed_at=timezone.now(),
    )
    page = in_english(login(people["trainer"])).get("/assessment/cycles/")
    assert [c.name for c in page.context["page_obj"]] == ["第三季度", "第二季度"]
    assert page.context["page_obj"][0].result_count == 4  # the east and the trainer
    html = page.content.decode()
    assert "2026年第四季度" not in html
    assert "/assessment/cycles/new/" not in html and "/assessment/policy/" not in html
    assert f"/assessment/cycles/{computed.pk}/dashboard/" in html
    assert f"/assessment/cycles/{finalised.pk}/dashboard/" in html

    html = in_english(login(people["hr"])).get("/assessment/cycles/").content.decode()
    assert "2026年第四季度" in html and "/assessment/cycles/new/" in html
    assert f"/assessment/cycles/{computed.pk}/dashboard/" in html
    assert f"/assessment/cycles/{cycle.pk}/dashboard/" not in html  # a draft has none


def test_a_trainer_reads_a_cycles_results_for_their_staff_without_buttons(people, login, computed):
    response = in_english(login(people["trainer"])).get(f"/assessment/cycles/{computed.pk}/")
    assert response.status_code == 200
    shown = sorted(r.user.username for r in response.context["page_obj"])
    assert shown == ["L001", "L002", "L003", "TR01"]
    assert response.context["counts"]["people"] == 4
    html = response.content.decode()
    assert "黄丽" not in html and "HR01" not in html
    assert "/compute/" not in html and "/finalise/" not in html
    assert f"/assessment/cycles/{computed.pk}/dashboard/" in html
    assert f"/assessment/cycles/{computed.pk}/export.xlsx" in html
    person = reverse("cycles:person", args=[computed.pk, people["learner"].user_id])
    assert f'href="{person}"' in html
    assert login(people["trainer"]).get(f"/assessment/cycles/{computed.pk}/status/").json() == {
        "state": "computed",
        "running": False,
        "percent": None,
    }


def test_trainers_posts_that_change_a_cycle_are_refused(people, login, computed, quiz):
    client = login(people["trainer"])
    assert client.post(f"/assessment/cycles/{computed.pk}/compute/").status_code == 403
    assert client.post(f"/assessment/cycles/{computed.pk}/finalise/").status_code == 403
    assert client.post("/assessment/cycles/new/", form(quizzes=[quiz.pk])).status_code == 403
    assert AssessmentCycle.objects.count() == 1
    computed.refresh_from_db()
    assert computed.state == CycleState.COMPUTED


def test_hr_finds_the_dashboard_and_export_on_a_computed_cycle(people, login, computed):
    html = in_english(login(people["hr"])).get(f"/assessment/cycles/{computed.pk}/").content
    html = html.decode()
    assert "data-cycle-reports" in html and f"/cycles/{computed.pk}/export.xlsx?format=csv" in html
    assert f'action="/assessment/cycles/{computed.pk}/compute/"' in html


def test_the_results_table_turns_into_cards_on_a_phone(people, login, computed):
    html = in_english(login(people["hr"])).get(f"/assessment/cycles/{computed.pk}/").content
    html = html.decode()
    assert '<table class="stack">' in html
    for label in ("Employee number", "Knowledge", "Overall", "Grade", "Eligible"):
        assert f'data-label="{label}"' in html


def test_a_cycle_with_an_open_appeal_cannot_be_finalised(people, login, cycle):
    cycle_compute(cycle)
    appeal_raise(
        user=people["learner"].user, cycle=cycle, part="knowledge", comment="我考过这个测验。"
    )
    client = login(people["hr"])
    client.cookies["lms_language"] = "en"
    page = client.get(f"/assessment/cycles/{cycle.pk}/finalise/").content.decode()
    assert "1 appeal is waiting for an answer" in page and "data-open-appeals" in page
    assert '<button type="submit" class="primary">' not in page
    page = client.post(f"/assessment/cycles/{cycle.pk}/finalise/", follow=True).content.decode()
    assert "answer it before finalising" in page
    cycle.refresh_from_db()
    assert cycle.state == CycleState.COMPUTED


def test_hr_moves_an_open_cycle_to_the_newer_policy_and_a_finalised_one_keeps_its_own(
    people, login, cycle, django_capture_on_commit_callbacks
):
    from lms.models.audit import AuditAction, AuditEvent

    old, latest = (
        ScoringPolicy.objects.order_by("version")[0],
        ScoringPolicy.objects.latest("version"),
    )
    assert latest.version > old.version
    AssessmentCycle.objects.filter(pk=cycle.pk).update(policy=old)
    client = login(people["hr"])
    page = client.get(f"/assessment/cycles/{cycle.pk}/").content.decode()
    assert "data-newer-policy" in page and f'name="policy" value="{latest.pk}"' in page

    client.post(f"/assessment/cycles/{cycle.pk}/compute/", {"policy": "x"})  # changes nothing
    assert AssessmentCycle.objects.get(pk=cycle.pk).policy == old
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/assessment/cycles/{cycle.pk}/compute/", {"policy": latest.pk})
    cycle.refresh_from_db()
    assert cycle.policy == latest and cycle.state == CycleState.COMPUTED
    event = AuditEvent.objects.get(action=AuditAction.CYCLE_POLICY_CHANGED)
    assert event.details == {"from": old.version, "to": latest.version}
    assert (
        "data-newer-policy" not in client.get(f"/assessment/cycles/{cycle.pk}/").content.decode()
    )

    client.post(f"/assessment/cycles/{cycle.pk}/finalise/")
    AssessmentCycle.objects.filter(pk=cycle.pk).update(policy=old)  # as if finalised on it
    client.post(f"/assessment/cycles/{cycle.pk}/compute/", {"policy": latest.pk})
    assert AssessmentCycle.objects.get(pk=cycle.pk).policy == old
    page = client.get(f"/assessment/cycles/{cycle.pk}/").content.decode()
    assert "data-newer-policy" not in page
