"""What administrators see of the learning records: what waits for the LRS and why, "try again
now", and the re-send command."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.models import XapiStatement
from assessments.xapi import sending, services
from courses.learning import services as learning
from tests.factories import in_english

pytestmark = pytest.mark.django_db


@pytest.fixture
def refused(people, course, lrs_configured):
    """Two lessons' statements the LRS (down) did not take."""
    learner = people["learner"].user
    for lesson in course.lessons[:2]:
        learning.lesson_complete(user=learner, lesson=lesson)
    report = sending.statements_send()
    assert (report.sent, report.failed) == (0, 2)
    return list(XapiStatement.objects.order_by("pk"))


def test_administrators_see_what_waits_and_why(people, login, refused):
    page = in_english(login(people["admin"])).get(reverse("xapi:outbox"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "http://127.0.0.1:9/xAPI" in text  # where it goes
    assert page.context["counts"].waiting == page.context["counts"].failing == 2
    assert "Connection refused" in text
    assert str(refused[0].statement_id) in text and "Lesson completed" in text
    assert "Try again now" in text


def test_the_page_is_in_chinese_by_default(people, login, refused):
    text = login(people["admin"]).get(reverse("xapi:outbox")).content.decode()
    assert "学习记录" in text and "重新发送" in text


def test_the_page_reads_the_same_few_queries_for_2_or_40_waiting(
    people, login, refused, django_assert_max_num_queries
):
    client = login(people["admin"])
    client.get(reverse("xapi:outbox"))
    with django_assert_max_num_queries(12):
        client.get(reverse("xapi:outbox"))
    rows = [XapiStatement(**{
        "statement_id": f"00000000-0000-5000-8000-{n:012d}", "kind": "lesson-completed",
        "person": "L001", "payload": {}, "created_at": timezone.now(),
        "next_attempt_at": timezone.now(), "attempts": 1, "last_error": "HTTP 503: busy",
    }) for n in range(38)]  # fmt: skip
    XapiStatement.objects.bulk_create(rows)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("xapi:outbox"))
    assert page.context["counts"].waiting == 40


def test_try_again_now_makes_everything_due_and_sends_it(
    people, login, refused, django_capture_on_commit_callbacks
):
    assert all(row.next_attempt_at > timezone.now() for row in refused)
    with django_capture_on_commit_callbacks() as queued:
        answer = login(people["admin"]).post(reverse("xapi:retry"))
    assert answer.status_code == 302 and answer.url == reverse("xapi:outbox")
    assert queued.count(services.send_soon) == 1  # a sending run, once the change is committed
    assert XapiStatement.objects.filter(next_attempt_at__lte=timezone.now()).count() == 2


def test_without_an_lrs_the_page_says_nothing_is_recorded(people, login, settings):
    settings.LMS_XAPI_ENDPOINT = ""
    text = in_english(login(people["admin"])).get(reverse("xapi:outbox")).content.decode()
    assert "No Learning Record Store is configured" in text
    assert "Try again now" not in text


def test_the_resend_command(refused, settings):
    output = io.StringIO()
    call_command("send_xapi_statements", stdout=output)  # not due yet: nothing tried
    assert (
        output.getvalue().strip() == "0 statements sent, 0 kept for a later try, 2 waiting in all."
    )
    output = io.StringIO()
    call_command("send_xapi_statements", "--now", stdout=output)  # tried now: still down
    assert "0 statements sent, 2 kept for a later try" in output.getvalue()
    assert all(row.attempts == 2 for row in XapiStatement.objects.all())
    settings.LMS_XAPI_ENDPOINT = ""
    output = io.StringIO()
    call_command("send_xapi_statements", stdout=output)
    assert "No Learning Record Store is configured" in output.getvalue()


def test_administrators_find_the_page_in_their_menu(people, login, refused):
    admin_nav = login(people["admin"]).get("/").context["nav_items"]
    assert reverse("xapi:outbox") in [item["url"] for item in admin_nav]
    hr_nav = login(people["hr"]).get("/").context["nav_items"]
    assert reverse("xapi:outbox") not in [item["url"] for item in hr_nav]
