"""Issuing certificates (assessments/certificates.py): serial numbers and codes, the cycle's
certificates for its eligible people, the course certificate on completion, revoking and
re-issuing with the history kept, and serial numbers under concurrent issuing (PostgreSQL)."""

import datetime
import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from assessments.certificates import services as certificates
from assessments.certificates.content import add_months
from assessments.certificates.services import (
    CODE_ALPHABET,
    certificate_issue_for_course,
    certificate_reissue,
    certificate_revoke,
    certificates_issue_for_cycle,
    new_code,
    next_serial,
)
from assessments.certificates.verification import group_code, stored_code, verification_url
from assessments.models import (
    AssessmentCycle,
    Certificate,
    CertificateKind,
    CertificateStatus,
    CertificateTemplate,
    CycleState,
    SerialCounter,
)
from courses.learning import services as course_services
from courses.models import Enrolment, EnrolmentSource
from lms.models import AuditEvent
from lms.models.audit import AuditAction
from tests.concurrency import postgresql_only, run_at_once
from tests.factories import assessment_result as result
from tests.factories import make_cycle

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def rendered(monkeypatch):
    """The certificates whose rendering was asked for (the rendering is not these tests')."""
    asked: list[int] = []
    monkeypatch.setattr(certificates, "_enqueue_rendering", asked.extend)
    return asked


@pytest.fixture
def templates(db):
    """The active template of each kind: course certificates valid for a year, assessment
    certificates for ever."""
    made = {}
    for kind, months in ((CertificateKind.COURSE, 12), (CertificateKind.CYCLE, None)):
        template = CertificateTemplate.objects.filter(kind=kind, active=True).first()
        if template is None:
            template = CertificateTemplate.objects.create(
                kind=kind, name="测试模板", title_zh="证书", body_zh="兹证明{name}"
            )
        template.valid_months = months
        template.save()
        made[kind] = template
    return made


@pytest.fixture
def cycle(db):
    """Finalised: certificates are issued for finalised cycles only."""
    return make_cycle(
        "2026年第三季度考核", starts_on=datetime.date(2026, 7, 1), state=CycleState.FINALISED
    )


@pytest.fixture
def results(cycle, people):
    """王喆 and 李堃 (Pudong) and 黄丽 (Tianhe) are eligible, 刘䶮 (Xihu) is not."""
    return {
        "learner": result(cycle, people["learner"]),
        "colleague": result(cycle, people["colleague"], overall="75.0", knowledge="70.0"),
        "south": result(cycle, people["south"], overall="92.0", grade="excellent"),
        "xihu": result(cycle, people["xihu"], eligible=False, overall="50.0"),
    }


def completed(user, course, when=None) -> Enrolment:
    return Enrolment.objects.create(
        user=user,
        course=course,
        source=EnrolmentSource.SELF,
        enrolled_at=timezone.now() - datetime.timedelta(days=10),
        completed_at=when or timezone.now(),
    )


def events(action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# Serial numbers and codes --------------------------------------------------------------------


def test_serial_numbers_count_per_year_and_kind(db):
    assert next_serial(CertificateKind.COURSE, 2026) == "2026-C-000001"
    assert next_serial(CertificateKind.COURSE, 2026) == "2026-C-000002"
    assert next_serial(CertificateKind.CYCLE, 2026) == "2026-A-000001"
    assert next_serial(CertificateKind.COURSE, 2027) == "2027-C-000001"
    assert next_serial(CertificateKind.COURSE, 2026) == "2026-C-000003"
    assert SerialCounter.objects.get(year=2026, kind="course").last == 3


def test_codes_are_long_random_and_unambiguous():
    codes = [new_code() for _ in range(5000)]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == 16 and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert not set("ILOU") & set(CODE_ALPHABET) and len(CODE_ALPHABET) == 32  # 80 bits
    # Every character is used: nothing fixed to guess.
    assert set("".join(codes)) == set(CODE_ALPHABET)


def test_codes_are_shown_grouped_and_read_as_typed():
    code = "0123456789ABCDEF"
    assert group_code(code) == "0123-4567-89AB-CDEF"
    for typed in ("0123-4567-89AB-CDEF", " 0123 4567 89ab cdef ", "O123-4567-89AB-CDEF"):
        assert stored_code(typed) == code
    assert stored_code("1ILl") == ""  # too short
    assert stored_code("0123-4567-89AB-CDEU") == ""  # U is not in the alphabet
    assert stored_code("") == ""


def test_months_are_added_to_the_last_day_of_short_months():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 27), 12) == datetime.date(2027, 11, 27)
    assert add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)


def test_the_verification_address_is_absolute(db, settings, templates, people):
    certificate = Certificate(code="0123456789ABCDEF")
    path = reverse("certificates:verify", args=[certificate.code])
    settings.WAGTAILADMIN_BASE_URL = "https://lms.example.com/"
    assert verification_url(certificate) == "https://lms.example.com" + path
    assert path.rstrip("/").endswith("0123456789ABCDEF")


# The cycle's certificates --------------------------------------------------------------------


def test_only_a_finalised_cycle_gets_certificates(people, results, cycle, templates):
    for state in (CycleState.DRAFT, CycleState.COMPUTED):
        AssessmentCycle.objects.filter(pk=cycle.pk).update(state=state)
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            certificates_issue_for_cycle(cycle=cycle, by=people["hr"].user)
        assert "only for a finalised cycle" in refused.value.messages[0]
    assert not Certificate.objects.exists() and not SerialCounter.objects.exists()


def test_the_eligible_people_of_a_finalised_cycle_get_their_certificates(
    people, results, cycle, templates, rendered, django_capture_on_commit_callbacks
):
    hr = people["hr"].user
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        issued = certificates_issue_for_cycle(cycle=cycle, by=hr)
    assert [c.user for c in issued] == [people[k].user for k in ("learner", "colleague", "south")]
    assert [c.serial for c in issued] == [f"{YEAR}-A-00000{n}" for n in (1, 2, 3)]
    assert len({c.code for c in issued}) == 3
    # Rendered, and the holders told, in the background once committed, not before.
    assert len(callbacks) == 2 and sorted(rendered) == sorted(c.pk for c in issued)

    mine = Certificate.objects.get(user=people["learner"].user)
    assert (mine.kind, mine.cycle, mine.course, mine.issued_by) == ("cycle", cycle, None, hr)
    assert mine.template == templates[CertificateKind.CYCLE] and mine.expires_on is None
    assert mine.status() == CertificateStatus.VALID
    today = timezone.localdate().isoformat()
    assert mine.content == {
        "name": "王喆",
        "employee_number": "L001",
        "org_unit": "华东区 / 浦东站 / 浦东收派组",
        "position": "courier",
        "issued_on": today,
        "expires_on": None,
        "cycle": {
            "name": "2026年第三季度考核",
            "starts_on": "2026-07-01",
            "ends_on": "2026-09-30",
            "grade": "good",
            "eligible": True,
            "parts": {
                "knowledge": "86.0",
                "satisfaction": "91.2",
                "efficiency": None,
                "teamwork": "80.0",
                "overall": "85.5",
            },
            # The average of Pudong station (王喆 and 李堃), for the radar's dashed line.
            "branch": "浦东站",
            "branch_average": {
                "knowledge": "78.0",
                "satisfaction": "91.2",
                "efficiency": None,
                "teamwork": "80.0",
                "overall": "80.3",
            },
        },
    }
    south = Certificate.objects.get(user=people["south"].user).content["cycle"]
    assert (south["branch"], south["branch_average"]["overall"]) == ("天河站", "92.0")

    issued_events = events(AuditAction.CERTIFICATE_ISSUED)
    assert [e.object_id for e in issued_events] == [str(c.pk) for c in issued]
    assert {e.actor for e in issued_events} == {hr}
    assert [e.details["serial"] for e in issued_events] == [c.serial for c in issued]
    assert issued_events[1].details == {
        "serial": issued[1].serial,
        "kind": "cycle",
        "user": "L002",
        "cycle": "2026年第三季度考核",
    }


def test_issuing_costs_the_same_queries_for_3_or_30_people(
    people, results, cycle, make_staff, templates
):
    with CaptureQueriesContext(connection) as few:
        assert len(certificates_issue_for_cycle(cycle=cycle, by=people["hr"].user)) == 3
    bigger = make_cycle("2026年第四季度考核", state=CycleState.FINALISED, policy=cycle.policy)
    for key in ("learner", "colleague", "south"):
        result(bigger, people[key])
    for n in range(27):
        result(bigger, make_staff(("pudong-team", "tianhe")[n % 2], number=f"M{n:03d}"))
    with CaptureQueriesContext(connection) as many:
        assert len(certificates_issue_for_cycle(cycle=bigger, by=people["hr"].user)) == 30
    assert len(many) == len(few) <= 25


def test_nobody_gets_a_second_certificate_of_a_cycle(people, results, cycle, templates):
    hr = people["hr"].user
    assert len(certificates_issue_for_cycle(cycle=cycle, by=hr)) == 3
    assert certificates_issue_for_cycle(cycle=cycle, by=hr) == []
    assert certificates_issue_for_cycle(cycle=cycle, by=hr, users=[people["learner"].user]) == []
    assert Certificate.objects.count() == 3
    assert SerialCounter.objects.get(kind="cycle").last == 3  # no number used up


def test_a_selection_of_eligible_people_gets_theirs(people, results, cycle, templates):
    issued = certificates_issue_for_cycle(
        cycle=cycle, by=people["hr"].user, users=[people["south"].user]
    )
    assert [c.user for c in issued] == [people["south"].user]
    # The others, later: the ones issued already are left out.
    rest = certificates_issue_for_cycle(cycle=cycle, by=people["hr"].user)
    assert {c.user for c in rest} == {people["learner"].user, people["colleague"].user}


def test_selecting_someone_not_eligible_issues_nothing(people, results, cycle, templates):
    for chosen in (["learner", "xihu"], ["learner", "trainer"]):  # not eligible; not assessed
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            certificates_issue_for_cycle(
                cycle=cycle, by=people["hr"].user, users=[people[k].user for k in chosen]
            )
        message = refused.value.messages[0]
        assert message.startswith("Not eligible for a certificate of 2026年第三季度考核")
        assert people[chosen[1]].full_name in message and "王喆" not in message
    assert (
        not Certificate.objects.exists()
        and not AuditEvent.objects.filter(action=AuditAction.CERTIFICATE_ISSUED).exists()
    )


def test_without_an_active_template_nothing_is_issued(people, results, cycle, templates):
    CertificateTemplate.objects.update(active=False)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        certificates_issue_for_cycle(cycle=cycle, by=people["hr"].user)
    assert "no active certificate template" in refused.value.messages[0]
    assert not Certificate.objects.exists()


# Course certificates -------------------------------------------------------------------------


def test_completing_a_course_issues_its_certificate(
    people, course, templates, rendered, django_capture_on_commit_callbacks
):
    learner = people["learner"].user
    for lesson in course.lessons[:-1]:
        course_services.lesson_complete(user=learner, lesson=lesson)
    assert not Certificate.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        course_services.lesson_complete(user=learner, lesson=course.lessons[-1])
    certificate = Certificate.objects.get()
    enrolment = Enrolment.objects.get(user=learner, course=course)
    today = timezone.localdate()
    assert (certificate.kind, certificate.course_id, certificate.cycle) == (
        "course",
        course.pk,
        None,
    )
    assert certificate.serial == f"{YEAR}-C-000001" and certificate.issued_by is None
    assert certificate.expires_on == add_months(today, 12)
    assert certificate.content == {
        "name": "王喆",
        "employee_number": "L001",
        "org_unit": "华东区 / 浦东站 / 浦东收派组",
        "position": "courier",
        "issued_on": today.isoformat(),
        "expires_on": add_months(today, 12).isoformat(),
        "course": {
            "title": "客户服务知识",
            "completed_on": timezone.localdate(enrolment.completed_at).isoformat(),
        },
    }
    assert rendered == [certificate.pk]
    assert events(AuditAction.CERTIFICATE_ISSUED)[0].details["course"] == "客户服务知识"


def test_a_course_is_certified_again_only_once_the_last_has_expired(people, course, templates):
    enrolment = completed(people["learner"].user, course)
    first = certificate_issue_for_course(enrolment=enrolment)
    assert first is not None
    assert certificate_issue_for_course(enrolment=enrolment) is None  # still valid
    # On its last day it is still valid; the day after, expired: earned again.
    today = timezone.localdate()
    Certificate.objects.filter(pk=first.pk).update(expires_on=today)
    assert certificate_issue_for_course(enrolment=enrolment) is None
    Certificate.objects.filter(pk=first.pk).update(expires_on=today - datetime.timedelta(days=1))
    second = certificate_issue_for_course(enrolment=enrolment)
    assert second is not None and second.serial == f"{YEAR}-C-000002"
    assert Certificate.objects.get(pk=first.pk).status() == CertificateStatus.EXPIRED
    # A revoked one does not count either.
    certificate_revoke(certificate=second, by=people["hr"].user, reason="错发")
    assert certificate_issue_for_course(enrolment=enrolment) is not None


def test_an_unfinished_course_or_a_missing_template_issues_nothing(
    people, course, templates, caplog
):
    enrolment = completed(people["learner"].user, course)
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=None)
    assert certificate_issue_for_course(enrolment=enrolment) is None
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=timezone.now())
    CertificateTemplate.objects.filter(kind="course").update(active=False)
    with caplog.at_level(logging.WARNING, logger="assessments.certificates"):
        assert certificate_issue_for_course(enrolment=enrolment) is None
    assert "No active course certificate template" in caplog.text
    assert not Certificate.objects.exists()


def test_a_failure_to_issue_never_undoes_the_completion(
    people, course, templates, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(certificates, "certificate_issue_for_course", broken)
    learner = people["learner"].user
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        for lesson in course.lessons:
            course_services.lesson_complete(user=learner, lesson=lesson)
    assert Enrolment.objects.get(user=learner).completed_at is not None
    assert "No certificate issued for the completed enrolment" in caplog.text


# Revoking and re-issuing ---------------------------------------------------------------------


def test_revoking_keeps_the_record_with_the_reason(people, results, cycle, templates):
    hr = people["hr"].user
    mine = certificates_issue_for_cycle(cycle=cycle, by=hr, users=[people["learner"].user])[0]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        certificate_revoke(certificate=mine, by=hr, reason="  ")
    assert refused.value.messages == ["Give the reason."]
    assert Certificate.objects.get(pk=mine.pk).revoked_at is None

    revoked = certificate_revoke(certificate=mine, by=hr, reason="考核数据有误")
    assert (revoked.revoked_by, revoked.revoke_reason) == (hr, "考核数据有误")
    assert revoked.status() == CertificateStatus.REVOKED and revoked.superseded_by is None
    [event] = events(AuditAction.CERTIFICATE_REVOKED)
    assert (event.actor, event.object_id) == (hr, str(mine.pk))
    assert event.details == {"serial": mine.serial, "reason": "考核数据有误"}
    with pytest.raises(ValidationError):
        certificate_revoke(certificate=mine, by=hr, reason="again")
    # Revoked, the person holds none in force: HR may issue theirs again.
    again = certificates_issue_for_cycle(cycle=cycle, by=hr, users=[people["learner"].user])
    assert len(again) == 1 and again[0].serial != mine.serial


def test_reissuing_supersedes_with_a_new_serial_and_keeps_the_history(
    people, results, cycle, templates, rendered, django_capture_on_commit_callbacks
):
    hr = people["hr"].user
    old = certificates_issue_for_cycle(cycle=cycle, by=hr, users=[people["learner"].user])[0]
    # The person's name was wrong in the HR system; corrected, then re-issued.
    people["learner"].full_name = "王喆喆"
    people["learner"].save()
    with django_capture_on_commit_callbacks(execute=True):
        new = certificate_reissue(certificate=old, by=hr, reason="姓名有误")
    old.refresh_from_db()
    assert old.superseded_by == new and old.revoked_by == hr and old.revoke_reason == "姓名有误"
    assert old.status() == CertificateStatus.REVOKED and new.status() == CertificateStatus.VALID
    assert new.serial == f"{YEAR}-A-000002" and new.code != old.code
    assert (new.user, new.cycle, new.issued_by) == (old.user, cycle, hr)
    assert new.content["name"] == "王喆喆" and old.content["name"] == "王喆"
    assert new.content["cycle"] == old.content["cycle"]
    assert rendered[-1] == new.pk
    [reissued] = events(AuditAction.CERTIFICATE_REISSUED)
    assert reissued.object_id == str(old.pk)
    assert reissued.details == {
        "serial": old.serial,
        "new_serial": new.serial,
        "reason": "姓名有误",
    }
    assert events(AuditAction.CERTIFICATE_ISSUED)[-1].details["supersedes"] == old.serial

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        certificate_reissue(certificate=old, by=hr, reason="again")
    assert "revoked certificate cannot be re-issued" in refused.value.messages[0]
    # The new one is the one in force: nothing more to issue for the person.
    assert certificates_issue_for_cycle(cycle=cycle, by=hr, users=[people["learner"].user]) == []


def test_a_reissued_course_certificate_keeps_its_expiry(people, course, templates):
    enrolment = completed(
        people["learner"].user, course, when=timezone.now() - datetime.timedelta(days=40)
    )
    old = certificate_issue_for_course(enrolment=enrolment)
    Certificate.objects.filter(pk=old.pk).update(expires_on=datetime.date(2027, 1, 31))
    old.refresh_from_db()
    new = certificate_reissue(certificate=old, by=people["hr"].user, reason="补发")
    assert new.expires_on == datetime.date(2027, 1, 31) and new.kind == "course"
    assert new.content["course"] == old.content["course"]
    assert new.content["expires_on"] == "2027-01-31"


# Concurrency (PostgreSQL) --------------------------------------------------------------------


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_issuing_never_repeats_a_serial_number(people, course, make_staff, templates):
    learners = [make_staff("pudong-team", number=f"CC{n:02d}").user for n in range(8)]
    enrolments = [completed(user, course) for user in learners]
    issued = run_at_once(
        [lambda e=e: certificate_issue_for_course(enrolment=e) for e in enrolments]
    )
    serials = sorted(c.serial for c in issued)
    assert serials == [f"{YEAR}-C-{n:06d}" for n in range(1, 9)]
    assert SerialCounter.objects.get(kind="course", year=YEAR).last == 8

    # The same completion signalled from several places at once: one certificate.
    Certificate.objects.filter(user=learners[0]).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    again = run_at_once([lambda: certificate_issue_for_course(enrolment=enrolments[0])] * 4)
    assert len([c for c in again if c is not None]) == 1


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_issuers_of_a_cycle_issue_each_certificate_once(
    people, results, cycle, course, templates
):
    enrolment = completed(people["south"].user, course)
    outcomes = run_at_once(
        [lambda: certificates_issue_for_cycle(cycle=cycle, by=people["hr"].user)] * 3
        + [lambda: certificate_issue_for_course(enrolment=enrolment)]
    )
    assert sorted(len(o) for o in outcomes[:3]) == [0, 0, 3]
    assert Certificate.objects.filter(kind="cycle").count() == 3
    assert sorted(Certificate.objects.values_list("serial", flat=True)) == [
        f"{YEAR}-A-000001",
        f"{YEAR}-A-000002",
        f"{YEAR}-A-000003",
        f"{YEAR}-C-000001",
    ]
