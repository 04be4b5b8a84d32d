"""HR's certificate pages under /assessment/certificates/: the list with its filters (phone
readable, a bounded number of queries), one certificate with its history, revoking and
re-issuing with a reason, and issuing a finalised cycle's certificates (per branch)."""

import datetime

import pytest
from django.utils import timezone

from assessments.certificates.verification import group_code
from assessments.models import Certificate, CycleState
from lms.models import AuditEvent
from lms.models.audit import AuditAction
from tests.factories import assessment_result as result
from tests.factories import certify, in_english, make_cycle

pytestmark = pytest.mark.django_db

JULY = datetime.date(2026, 7, 1)


@pytest.fixture
def cycle(db):
    """Finalised: certificates are issued for finalised cycles only."""
    return make_cycle("2026年第三季度考核", starts_on=JULY, state=CycleState.FINALISED)


URLS = [
    "/assessment/certificates/",
    "/assessment/certificates/{pk}/",
    "/assessment/certificates/issue/{cycle}/",
    "/assessment/certificates/print/",
    "/assessment/certificates/print/{job}/",
    "/assessment/certificates/print/{job}/status/",
    "/assessment/certificates/print/{job}/download/",
]
POSTS = [
    "/assessment/certificates/{pk}/revoke/",
    "/assessment/certificates/{pk}/reissue/",
    "/assessment/certificates/issue/{cycle}/",
    "/assessment/certificates/print/",
]


def test_only_hr_and_administrators_open_the_certificate_pages(people, login, cycle, templates):
    from assessments.models import PrintJob

    certificate = certify(people["learner"], cycle=cycle, template=templates["cycle"])
    job = PrintJob.objects.create(certificate_ids=[certificate.pk], count=1)
    ids = {"pk": certificate.pk, "cycle": cycle.pk, "job": job.pk}
    for who in ("learner", "trainer"):
        client = login(people[who])
        for url in URLS:
            assert client.get(url.format(**ids)).status_code == 403, (who, url)
        for url in POSTS:
            response = client.post(url.format(**ids), {"revoke-reason": "x", "ids": [1]})
            assert response.status_code == 403, (who, url)
    client.logout()
    assert client.get("/assessment/certificates/").status_code == 302  # to the sign-in page
    for who in ("hr", "admin"):
        client = login(people[who])
        for url in URLS[:-1]:
            assert client.get(url.format(**ids)).status_code == 200, (who, url)
    certificate.refresh_from_db()
    assert certificate.revoked_at is None and Certificate.objects.count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.CERTIFICATE_PRINTED).exists()


def test_the_list_filters_by_kind_cycle_unit_status_and_search(
    people, login, cycle, course, templates
):
    other = make_cycle("2026年第二季度考核", starts_on=JULY, state=CycleState.FINALISED)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    made = {
        "pudong": certify(people["learner"], cycle=cycle, template=templates["cycle"]),
        "pudong2": certify(people["colleague"], cycle=cycle, template=templates["cycle"]),
        "xihu": certify(people["xihu"], cycle=cycle, template=templates["cycle"], revoked=True),
        "south": certify(people["south"], cycle=other, template=templates["cycle"]),
        "course": certify(
            people["learner"], course=course, template=templates["course"], expires_on=yesterday
        ),
    }
    client = login(people["hr"])

    def listed(query=""):
        response = client.get(f"/assessment/certificates/?{query}")
        assert response.status_code == 200
        return {c.pk for c in response.context["page_obj"]}

    pk = {name: c.pk for name, c in made.items()}
    assert listed() == set(pk.values())
    assert listed("kind=course") == {pk["course"]}
    assert listed(f"cycle={cycle.pk}") == {pk["pudong"], pk["pudong2"], pk["xihu"]}
    east = people["learner"].org_unit.get_parent().get_parent()  # 华东区
    assert listed(f"org_unit={east.pk}") == {pk["pudong"], pk["pudong2"], pk["xihu"], pk["course"]}
    assert listed(f"org_unit={people['xihu'].org_unit.pk}") == {pk["xihu"]}
    assert listed("status=valid") == {pk["pudong"], pk["pudong2"], pk["south"]}
    assert listed("status=expired") == {pk["course"]}
    assert listed("status=revoked") == {pk["xihu"]}
    assert listed("q=李堃") == {pk["pudong2"]}
    assert listed("q=L004") == {pk["south"]}
    assert listed(f"q={made['xihu'].serial}") == {pk["xihu"]}
    assert listed(f"cycle={cycle.pk}&status=valid&q=王") == {pk["pudong"]}
    page = client.get("/assessment/certificates/?kind=nonsense&page=99")
    assert page.status_code == 200  # a wrong filter is ignored, never a 500

    page = in_english(client).get("/assessment/certificates/").content.decode()
    assert 'class="stack"' in page and 'data-label="Employee number"' in page
    assert f'href="/assessment/certificates/{pk["pudong"]}/"' in page
    # Only certificates in force can be ticked for printing.
    assert f'name="ids" value="{pk["pudong"]}"' in page
    assert f'name="ids" value="{pk["xihu"]}"' not in page
    assert f'name="ids" value="{pk["course"]}"' not in page
    assert "Revoked" in page and "Expired" in page


def test_the_list_reads_a_full_page_in_a_bounded_number_of_queries(
    people, login, cycle, course, templates, make_staff, django_assert_max_num_queries
):
    for n in range(60):
        profile = make_staff("xihu" if n % 2 else "pudong-team", name=f"员工{n}")
        certify(profile, cycle=cycle, template=templates["cycle"], rendered=n % 3 > 0)
        certify(profile, course=course, template=templates["course"])
    client = login(people["hr"])
    with django_assert_max_num_queries(12):
        response = client.get(f"/assessment/certificates/?cycle={cycle.pk}&status=valid")
    assert len(response.context["page_obj"]) == 50
    with django_assert_max_num_queries(12):
        client.get("/assessment/certificates/?page=2")


def test_a_certificate_page_shows_what_it_says_and_its_state(
    people, login, cycle, templates, django_assert_max_num_queries
):
    certificate = certify(people["learner"], cycle=cycle, template=templates["cycle"])
    waiting = certify(
        people["colleague"], cycle=cycle, template=templates["cycle"], rendered=False
    )
    client = in_english(login(people["hr"]))
    with django_assert_max_num_queries(8):
        page = client.get(f"/assessment/certificates/{certificate.pk}/").content.decode()
    assert "王喆" in page and "L001" in page and certificate.serial in page
    assert "测试快递 / 华东区 / 浦东站 / 浦东收派组" in page
    assert group_code(certificate.code) in page
    assert f"/verify/{certificate.code}/" in page
    assert "86.0" in page and "Good" in page and "Valid" in page
    assert "Rendered" in page and " ".join(["0" * 8] * 8) in page
    assert f'href="/certificates/{certificate.pk}/download/"' in page
    assert 'target="_blank"' in page  # print: the PDF opens in the browser, to print
    page = client.get(f"/assessment/certificates/{waiting.pk}/").content.decode()
    assert "Being rendered" in page and "/download/" not in page
    assert client.get("/assessment/certificates/999999/").status_code == 404


def test_revoking_needs_a_reason_and_keeps_the_record(people, login, cycle, templates):
    certificate = certify(people["learner"], cycle=cycle, template=templates["cycle"])
    client = in_english(login(people["hr"]))
    url = f"/assessment/certificates/{certificate.pk}/revoke/"
    response = client.post(url, {"revoke-reason": "   "})
    assert response.status_code == 400 and "Give the reason." in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    assert client.get(url).status_code == 405

    response = client.post(url, {"revoke-reason": "姓名有误"})
    assert response.url == f"/assessment/certificates/{certificate.pk}/"
    certificate.refresh_from_db()
    assert certificate.revoked_at and certificate.revoked_by == people["hr"].user
    assert certificate.revoke_reason == "姓名有误"
    event = AuditEvent.objects.get(action=AuditAction.CERTIFICATE_REVOKED)
    assert event.actor == people["hr"].user and event.object_id == str(certificate.pk)
    page = client.get(response.url).content.decode()
    assert "Revoked" in page and "姓名有误" in page and "data-revoke-form" not in page
    again = client.post(url, {"revoke-reason": "again"}, follow=True)
    assert "revoked already" in again.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoke_reason == "姓名有误"


def test_reissuing_needs_a_reason_and_links_the_old_and_the_new(
    people, login, cycle, templates, no_rendering, django_capture_on_commit_callbacks
):
    result(cycle, people["learner"])
    old = certify(people["learner"], cycle=cycle, template=templates["cycle"])
    client = in_english(login(people["hr"]))
    url = f"/assessment/certificates/{old.pk}/reissue/"
    response = client.post(url, {"reissue-reason": ""})
    assert response.status_code == 400 and "Give the reason." in response.content.decode()
    assert Certificate.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reissue-reason": "更正部门"})
    old.refresh_from_db()
    new = old.superseded_by
    assert new is not None and new.serial != old.serial and new.code != old.code
    assert response.url == f"/assessment/certificates/{new.pk}/"
    assert old.revoked_at and old.revoke_reason == "更正部门"
    assert no_rendering == [new.pk]
    page = client.get(f"/assessment/certificates/{old.pk}/").content.decode()
    assert "re-issued as" in page and f'href="/assessment/certificates/{new.pk}/"' in page
    page = client.get(f"/assessment/certificates/{new.pk}/").content.decode()
    assert "data-supersedes" in page and f'href="/assessment/certificates/{old.pk}/"' in page
    assert "更正部门" in page
    assert AuditEvent.objects.filter(action=AuditAction.CERTIFICATE_REISSUED).count() == 1


def test_certificates_are_issued_only_for_a_finalised_cycle(people, login, templates):
    draft = make_cycle("草稿周期", starts_on=JULY, state=CycleState.COMPUTED)
    result(draft, people["learner"])
    client = in_english(login(people["hr"]))
    url = f"/assessment/certificates/issue/{draft.pk}/"
    page = client.get(url).content.decode()
    assert "data-not-finalised" in page and "finalise this cycle first" in page
    response = client.post(url, follow=True)
    assert "issued only for a finalised cycle" in response.content.decode()
    assert not Certificate.objects.exists()


def test_hr_issues_a_branchs_certificates_then_the_rest(
    people, login, cycle, templates, no_rendering, django_capture_on_commit_callbacks
):
    for who in ("learner", "colleague", "south"):
        result(cycle, people[who])
    result(cycle, people["xihu"], eligible=False)
    client = in_english(login(people["hr"]))
    url = f"/assessment/certificates/issue/{cycle.pk}/"
    response = client.get(url)
    assert response.context["waiting"] == 3 and response.context["holders"] == 0
    east = people["learner"].org_unit.get_parent().get_parent()
    assert client.get(f"{url}?org_unit={east.pk}").context["waiting"] == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"org_unit": east.pk})
    assert response.url == f"/assessment/certificates/?cycle={cycle.pk}"
    issued = Certificate.objects.filter(cycle=cycle)
    assert {c.user for c in issued} == {people["learner"].user, people["colleague"].user}
    assert all(c.issued_by == people["hr"].user for c in issued)
    assert sorted(no_rendering) == sorted(c.pk for c in issued)
    page = client.get(response.url).content.decode()
    assert "2 certificates issued" in page

    response = client.get(url)
    assert response.context["waiting"] == 1 and response.context["holders"] == 2
    client.post(url)
    assert Certificate.objects.filter(cycle=cycle).count() == 3
    response = client.post(url, follow=True)  # nobody is left: nothing more is issued
    assert "Everyone eligible holds a certificate" in response.content.decode()
    assert Certificate.objects.filter(cycle=cycle).count() == 3
    assert AuditEvent.objects.filter(action=AuditAction.CERTIFICATE_ISSUED).count() == 3
