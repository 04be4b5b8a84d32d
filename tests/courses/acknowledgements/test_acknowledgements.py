# Chinese text is written with its own full-width punctuation.
# ruff: noqa: RUF001
"""The confidentiality acknowledgement (manual 8.1.5, 8.2.1): staff read the information-security
text and acknowledge it; a new version or a year's passing asks again; HR sees who has not,
by unit, and exports it."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses.acknowledgements import selectors, services
from courses.learning.services import staff_onboard
from courses.models import Acknowledgement, ConfidentialityPage, TrainingHomePage
from lms.models import AuditEvent
from lms.models.audit import AuditAction
from lms.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa_enforcement")]

ACK = "/learning/information-security/acknowledge/"
REPORT = "/learning/information-security/report/"


@pytest.fixture
def text(index):
    """The information-security text, version 1, published under the training home."""
    page = ConfidentialityPage(
        title="信息安全与保密守则",
        slug="information-security",
        summary="每位员工阅读并确认。",
        body=[("text", "<p>对客户信息进行分类管理，根据信息重要性采取相应的保密措施。</p>")],
        version=1,
    )
    TrainingHomePage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    return ConfidentialityPage.objects.get(pk=page.pk)


def publish(page, **fields):
    page = ConfidentialityPage.objects.get(pk=page.pk)
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return ConfidentialityPage.objects.get(pk=page.pk)


def standing(user, now=None):
    return selectors.standing(user, selectors.current_text(), now=now)


# Acknowledging ---------------------------------------------------------------------------------


def test_the_page_asks_and_the_acknowledgement_records_version_time_and_person(
    people, login, text
):
    client = login(people["learner"])
    html = client.get(text.url).content.decode()
    assert "我已阅读并承诺遵守" in html
    assert 'name="version" value="1"' in html

    before = timezone.now()
    response = client.post(ACK, {"version": "1"}, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302 and response.url == text.url
    ack = Acknowledgement.objects.get()
    assert ack.user == people["learner"].user
    assert (ack.page_id, ack.version, ack.title) == (text.pk, 1, "信息安全与保密守则")
    assert ack.revision_id == text.live_revision_id is not None
    assert before <= ack.acknowledged_at <= timezone.now()
    assert ack.ip_address == "10.1.2.3"

    html = client.get(text.url).content.decode()
    assert "我已阅读并承诺遵守" not in html
    assert "你已于" in html and "确认第 1 版" in html


def test_a_second_post_makes_no_second_acknowledgement(people, login, text):
    client = login(people["learner"])
    client.post(ACK, {"version": "1"})
    client.post(ACK, {"version": "1"})
    assert Acknowledgement.objects.count() == 1
    _ack, made = services.acknowledge(user=people["learner"].user, page=text, version=1)
    assert not made and Acknowledgement.objects.count() == 1


def test_a_new_version_asks_again_and_a_correction_does_not(people, login, text):
    user = people["learner"].user
    services.acknowledge(user=user, page=text, version=1)
    assert not standing(user).due

    text = publish(text, body=[("text", "<p>错别字已改正。</p>")])  # same version: a correction
    assert not standing(user).due

    text = publish(text, version=2, version_note="新增公司内部信息保密。")
    found = standing(user)
    assert found.due and found.reason == selectors.NEW_VERSION and found.last.version == 1
    html = login(people["learner"]).get(text.url).content.decode()
    assert "新增公司内部信息保密。" in html and "我已阅读并承诺遵守" in html

    services.acknowledge(user=user, page=text, version=2)
    assert not standing(user).due
    assert list(Acknowledgement.objects.filter(user=user).values_list("version", flat=True)) == [
        2,
        1,
    ]


def test_a_form_opened_before_a_new_version_records_nothing(people, login, text):
    client = login(people["learner"])
    client.get(text.url)
    publish(text, version=2)
    response = client.post(ACK, {"version": "1"}, follow=True)
    assert Acknowledgement.objects.count() == 0
    assert "文本在你打开之后已更新" in response.content.decode()
    response = client.post(ACK, {"version": "not a number"}, follow=True)
    assert response.status_code == 200 and Acknowledgement.objects.count() == 0


def test_a_year_passing_asks_again(people, text):
    user = people["learner"].user
    then = timezone.now() - datetime.timedelta(days=400)
    services.acknowledge(user=user, page=text, version=1, now=then)
    assert standing(user, now=then + datetime.timedelta(days=364)).due is False
    found = standing(user, now=then + datetime.timedelta(days=365))
    assert found.due and found.reason == selectors.EXPIRED
    assert standing(user).reason == selectors.EXPIRED

    # Due again: a new acknowledgement is made, the old one kept as history.
    _ack, made = services.acknowledge(user=user, page=text, version=1)
    assert made and Acknowledgement.objects.filter(user=user).count() == 2
    assert not standing(user).due


def test_the_version_cannot_go_down(text):
    text = publish(text, version=3)
    text.version = 2
    with pytest.raises(ValidationError):
        text.clean()


def test_anonymous_visitors_are_sent_to_sign_in(client, text):
    response = client.get(text.url)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    response = client.post(ACK, {"version": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert Acknowledgement.objects.count() == 0


def test_no_text_no_notice_and_the_post_is_a_404(people, login, index):
    client = login(people["learner"])
    assert "信息安全" not in client.get("/learning/").content.decode()
    assert client.post(ACK, {"version": "1"}).status_code == 404


# Where it asks ---------------------------------------------------------------------------------


def test_home_and_my_learning_ask_until_acknowledged(people, login, text):
    client = login(people["learner"])
    for url in ("/", "/learning/"):
        html = client.get(url).content.decode()
        assert "需要你确认信息安全守则" in html
        assert f'href="{text.url}?next={url}"' in html
    response = client.post(ACK, {"version": "1", "next": "/learning/"})
    assert response.url == "/learning/"
    for url in ("/", "/learning/"):
        assert "需要你确认信息安全守则" not in client.get(url).content.decode()


def test_the_next_address_stays_on_the_site(people, login, text):
    client = login(people["learner"])
    response = client.post(ACK, {"version": "1", "next": "https://evil.example/"})
    assert response.url == text.url


def test_new_staff_see_it_first_in_their_onboarding(make_staff, login, course, text):
    course_page = course
    course_page.onboarding_order = 1
    course_page.save_revision().publish()
    newcomer = make_staff("pudong-team", roles=[Role.LEARNER], hire_date=timezone.localdate())
    staff_onboard(profile=newcomer)  # as on the commit of the account's creation
    html = login(newcomer).get("/learning/").content.decode()
    notice = html.index("需要你确认信息安全守则")
    assert "新员工" in html
    assert notice < html.index(course_page.title, html.index("<main"))


def test_my_learning_costs_one_query_more_with_a_text(
    people, login, course, text, django_assert_max_num_queries
):
    client = login(people["learner"])
    client.post(f"/learning/courses/{course.pk}/start/")
    client.get("/learning/")
    # Session, user, enrolments, completions, reminders, roles, the latest acknowledgement.
    with django_assert_max_num_queries(7):
        client.get("/learning/")


# HR's report -----------------------------------------------------------------------------------


@pytest.fixture
def acknowledged(people, text):
    """Everyone has acknowledged but the learner (never), the south colleague (over a year ago)
    and the xihu colleague (an earlier version, once version 2 is out)."""
    old = timezone.now() - datetime.timedelta(days=400)
    for key in ("colleague", "trainer", "hr", "admin"):
        services.acknowledge(user=people[key].user, page=text, version=1)
    services.acknowledge(user=people["south"].user, page=text, version=1, now=old)
    services.acknowledge(user=people["xihu"].user, page=text, version=1)
    page = publish(text, version=2)
    for key in ("colleague", "trainer", "hr", "admin"):
        services.acknowledge(user=people[key].user, page=page, version=2)
    services.acknowledge(user=people["south"].user, page=page, version=2, now=old)
    return page


def test_hr_sees_who_has_not_acknowledged_by_unit(people, login, acknowledged, org):
    client = login(people["hr"])
    html = client.get(REPORT).content.decode()
    for key in ("learner", "xihu", "south"):
        assert people[key].user.username in html
    for key in ("colleague", "trainer"):
        assert people[key].user.username not in html
    assert "从未确认" in html and "确认的是旧版本" in html and "上次确认已超过一年" in html

    text = selectors.current_text()
    total, rows = selectors.by_unit(text)
    assert (total.staff, total.outstanding) == (7, 3)
    by_code = {row.unit.code: (row.staff, row.outstanding) for row in rows}
    assert by_code == {"east": (4, 2), "south": (1, 1), "co": (2, 0)}

    html = client.get(REPORT, {"unit": "east"}).content.decode()
    assert people["learner"].user.username in html and people["xihu"].user.username in html
    assert people["south"].user.username not in html
    html = client.get(REPORT, {"reason": "expired"}).content.decode()
    assert people["south"].user.username in html
    assert people["learner"].user.username not in html

    event = AuditEvent.objects.filter(action=AuditAction.PERSONAL_VIEWED).latest("pk")
    assert event.details["record"] == "confidentiality"


def test_the_report_leaves_out_staff_who_left(people, login, acknowledged):
    from lms import services as lms_services

    lms_services.staff_mark_left(profile=people["learner"], on=timezone.localdate())
    html = login(people["hr"]).get(REPORT).content.decode()
    assert people["learner"].user.username not in html


def test_the_export_lists_the_people_and_is_audited(people, login, make_staff, acknowledged):
    make_staff("tianhe", roles=[Role.LEARNER], name="=HYPERLINK(1)", number="L999")
    client = login(people["hr"])
    response = client.get(REPORT, {"format": "csv"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][0] == "工号"
    numbers = {row[0] for row in rows[1:]}
    assert numbers == {"L001", "L003", "L004", "L999"}
    south = next(row for row in rows if row[0] == "L004")
    assert south[5] == "上次确认已超过一年" and south[6] == "2"
    assert "天河站" in south[2] and "华南区" in south[2]
    assert next(row for row in rows if row[0] == "L999")[1] == "'=HYPERLINK(1)"
    event = AuditEvent.objects.get(action=AuditAction.PERSONAL_EXPORTED)
    assert event.details["record"] == "confidentiality"
    assert event.details["people"] == 4 and event.details["scope"]["format"] == "csv"

    response = client.get(REPORT, {"format": "xlsx", "unit": "east"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action=AuditAction.PERSONAL_EXPORTED).count() == 2


@pytest.mark.parametrize("key", ["learner", "trainer"])
def test_learners_and_trainers_cannot_see_the_report(people, login, acknowledged, key):
    client = login(people[key])
    assert client.get(REPORT).status_code == 403
    assert client.get(REPORT, {"format": "csv"}).status_code == 403
    assert "/learning/information-security/report/" not in client.get("/").content.decode()


def test_hr_reads_a_persons_acknowledgements_on_their_page(people, login, acknowledged):
    html = login(people["hr"]).get(f"/staff/{people['south'].user.username}/").content.decode()
    assert "保密确认" in html and "上次确认已超过一年" in html


def test_the_report_without_a_text_says_so(people, login, index):
    html = login(people["hr"]).get(REPORT).content.decode()
    assert "尚未发布信息安全守则" in html


def test_the_report_reads_as_many_queries_for_many_people_as_for_few(
    people, login, make_staff, acknowledged
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(people["hr"])
    client.get(REPORT)
    with CaptureQueriesContext(connection) as few:
        client.get(REPORT)
    for n in range(25):
        make_staff("xihu", roles=[Role.LEARNER], number=f"Q{n:03d}")
    with CaptureQueriesContext(connection) as many:
        html = client.get(REPORT).content.decode()
    assert "Q024" in html
    assert len(many) == len(few) <= 9
