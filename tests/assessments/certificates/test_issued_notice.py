# ruff: noqa: RUF001
"""A certificate issued: its holder is told (certificates.issued), in their own language, once
per certificate, by a task once the issuing commits; a whole cycle's certificates in a few
queries; a re-issued certificate is a new one, told again; rendering and printing tell
nobody; no grade or score in the message (the group robots post it into a group chat)."""

import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, translation

from assessments.certificates.notices import certificates_issued_tell
from assessments.certificates.services import (
    certificate_issue_for_course,
    certificate_reissue,
    certificate_revoke,
    certificates_issue_for_cycle,
    certificates_print,
)
from assessments.certificates.verification import verification_url
from assessments.models import CertificateKind, CycleState
from courses.models import Enrolment, EnrolmentSource
from lms.models import Notification
from lms.services import staff_mark_left
from tests.factories import assessment_result, make_cycle

pytestmark = pytest.mark.django_db

# What the results below hold (and the cycle's certificates say): none of it in a message.
SCORES = ("85.5", "86.0", "91.2", "75.0", "70.0", "Good", "良好", "优秀", "Excellent")


@pytest.fixture
def cycle(db, templates):
    """Finalised; its certificates valid for two years."""
    template = templates[CertificateKind.CYCLE]
    template.valid_months = 24
    template.save()
    return make_cycle(
        "2026年第三季度考核", starts_on=datetime.date(2026, 7, 1), state=CycleState.FINALISED
    )


@pytest.fixture
def results(cycle, people):
    """王喆 (zh-hans), 李堃 (English) and 黄丽 (who leaves) are eligible; 刘䶮 is not."""
    colleague = people["colleague"].user
    colleague.language = "en"
    colleague.save(update_fields=["language"])
    return {
        "learner": assessment_result(cycle, people["learner"]),
        "colleague": assessment_result(
            cycle, people["colleague"], overall="75.0", knowledge="70.0"
        ),
        "south": assessment_result(cycle, people["south"], grade="excellent"),
        "xihu": assessment_result(cycle, people["xihu"], eligible=False, overall="50.0"),
    }


@pytest.fixture
def issue(django_capture_on_commit_callbacks):
    """Run an issuing service; what it queued (the holders told) runs once it commits."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


def told(profile) -> list[Notification]:
    return list(
        Notification.objects.filter(person=profile.user, kind="certificates.issued").order_by("pk")
    )


def in_zh(day: datetime.date) -> str:
    with translation.override("zh-hans"):
        return formats.date_format(day, "DATE_FORMAT")


def test_hr_issues_a_cycle_and_each_holder_is_told_once_in_their_language(
    people, results, cycle, issue, no_rendering
):
    staff_mark_left(profile=people["south"], on=datetime.date(2026, 12, 31))
    issued = issue(certificates_issue_for_cycle, cycle=cycle, by=people["hr"].user)
    assert len(issued) == 3  # the leaver's too: it is theirs
    mine = next(c for c in issued if c.user == people["learner"].user)

    (zh,) = told(people["learner"])
    assert zh.subject == "您获颁了证书：2026年第三季度考核"
    assert f"您获颁了证书 {mine.serial}：2026年第三季度考核。" in zh.body
    assert f"有效期至 {in_zh(mine.expires_on)}。" in zh.body
    assert f"任何人都可以在此验证： {verification_url(mine)}" in zh.body
    assert zh.link == "/certificates/" and zh.link in zh.body

    (en,) = told(people["colleague"])
    theirs = next(c for c in issued if c.user == people["colleague"].user)
    assert en.subject == "You were issued a certificate: 2026年第三季度考核"
    assert f"You were issued the certificate {theirs.serial}" in en.body
    assert "It is valid until" in en.body

    assert told(people["south"]) == []  # left the company
    assert told(people["xihu"]) == []  # not eligible: no certificate
    for message in (zh, en):
        assert not any(score in message.subject + message.body for score in SCORES)

    # The task run again (a worker lost): nobody is told twice.
    assert certificates_issued_tell([c.pk for c in issued]) == 0
    assert Notification.objects.filter(kind="certificates.issued").count() == 2


def test_a_reissued_or_revoked_and_issued_again_certificate_is_told_again(
    people, results, cycle, issue, no_rendering
):
    hr, learner = people["hr"].user, people["learner"].user
    (first,) = issue(certificates_issue_for_cycle, cycle=cycle, by=hr, users=[learner])
    second = issue(certificate_reissue, certificate=first, by=hr, reason="姓名有误")
    messages = told(people["learner"])
    assert len(messages) == 2
    assert f"它取代证书 {first.serial}，原证书已失效。" in messages[1].body
    assert second.serial in messages[1].body and "取代" not in messages[0].body

    certificate_revoke(certificate=second, by=hr, reason="考核数据有误")
    (third,) = issue(certificates_issue_for_cycle, cycle=cycle, by=hr, users=[learner])
    messages = told(people["learner"])
    assert len(messages) == 3 and third.serial in messages[2].body


def test_a_certificate_revoked_before_its_holder_was_told_is_not_told(
    people, results, cycle, no_rendering
):
    hr, learner = people["hr"].user, people["learner"].user
    (certificate,) = certificates_issue_for_cycle(cycle=cycle, by=hr, users=[learner])
    certificate_revoke(certificate=certificate, by=hr, reason="发错了")
    assert certificates_issued_tell([certificate.pk]) == 0


def test_a_completed_course_certificate_is_told_and_printing_it_tells_nobody_again(
    people, course, templates, issue
):
    template = templates[CertificateKind.COURSE]
    template.valid_months = None
    template.save()
    enrolment = Enrolment.objects.create(
        user=people["learner"].user,
        course=course,
        source=EnrolmentSource.SELF,
        enrolled_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
        completed_at=datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC),
    )
    certificate = issue(certificate_issue_for_course, enrolment=enrolment)  # rendered too
    (message,) = told(people["learner"])
    assert message.subject == f"您获颁了证书：{course.title}"
    assert "本证书长期有效。" in message.body and certificate.serial in message.body

    certificate.refresh_from_db()
    assert certificate.rendered_at is not None
    certificates_print(out=io.BytesIO(), by=people["hr"].user, ids=[certificate.pk])
    assert len(told(people["learner"])) == 1


def test_the_group_robots_get_no_grade_or_score(
    people, results, cycle, issue, no_rendering, group_robots
):
    issue(certificates_issue_for_cycle, cycle=cycle, by=people["hr"].user)
    robots = [json.dumps(p["json"], ensure_ascii=False) for p in group_robots]
    assert len(robots) == 6  # 王喆, 李堃 and 黄丽, on DingTalk and WeCom
    assert all("2026年第三季度考核" in text for text in robots)
    assert not any(score in text for text in robots for score in SCORES)


def test_a_whole_cycle_is_told_in_a_few_queries(people, cycle, templates, make_staff):
    for n in range(50):
        assessment_result(cycle, make_staff(number=f"R{n:03d}"))
    issued = certificates_issue_for_cycle(cycle=cycle, by=people["hr"].user)
    assert len(issued) == 50
    with CaptureQueriesContext(connection) as queries:
        assert certificates_issued_tell([c.pk for c in issued]) == 50
    # The certificates with their holders, the replaced ones, and the notifications written in
    # bulk: not one query per holder (notify_each: a few more per 500).
    assert len(queries) <= 10
