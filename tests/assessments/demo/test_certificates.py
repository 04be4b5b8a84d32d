"""The demo's certificates (assessments.demo.certificates): the finalised cycle's for its
eligible people, with one revoked and one re-issued, and one per completed course.

The demo is loaded once for the module, inside a transaction rolled back at the end; each
test runs in a savepoint of its own.
"""

import pytest
from django.db.models import Q
from django.utils import timezone

from assessments.certificates.services import certificate_issue_for_course
from assessments.demo import certificates as demo
from assessments.demo.cycles import cycle_name
from assessments.demo.operations import DAY, quarter_start
from assessments.models import (
    AssessmentCycle,
    AssessmentResult,
    Certificate,
    CertificateKind,
    CertificateStatus,
    CertificateTemplate,
)
from courses.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(seed_output, monkeypatch):
    """The demo with its certificates (their templates made first if no migration made
    them); the certificates whose rendering was asked for."""
    for kind, months in ((CertificateKind.COURSE, 12), (CertificateKind.CYCLE, None)):
        if not CertificateTemplate.objects.filter(kind=kind, active=True).exists():
            CertificateTemplate.objects.create(
                kind=kind, name="演示", title_zh="证书", body_zh="{name}", valid_months=months
            )
    asked = []
    monkeypatch.setattr(demo, "render_later", lambda ids: asked.extend(ids))
    demo.load_demo_certificates()
    return asked


def finalised() -> AssessmentCycle:
    today = timezone.localdate()
    return AssessmentCycle.objects.get(name=cycle_name(quarter_start(quarter_start(today) - DAY)))


def test_each_completed_course_has_one_certificate_dated_with_the_completion(loaded):
    # A course given again by a retraining rule (assessments.demo.retraining) keeps the
    # certificate of its first completion, kept as `completed_before`.
    completed = Enrolment.objects.filter(
        Q(completed_at__isnull=False) | Q(completed_before__isnull=False)
    ).select_related("course")
    held = {
        (c.user_id, c.course_id): c
        for c in Certificate.objects.filter(kind=CertificateKind.COURSE)
    }
    assert len(completed) > 20 and len(held) == len(completed)
    assert Certificate.objects.filter(kind=CertificateKind.COURSE).count() == len(completed)
    for enrolment in completed:
        certificate = held[enrolment.user_id, enrolment.course_id]
        done_at = enrolment.completed_at or enrolment.completed_before
        day = timezone.localdate(done_at).isoformat()
        assert certificate.issued_at == done_at + demo.COURSE_DELAY
        assert certificate.content["course"] == {
            "title": enrolment.course.title,
            "completed_on": day,
        }
        assert (
            certificate.content["issued_on"]
            == timezone.localdate(certificate.issued_at).isoformat()
        )
        assert certificate.status() == CertificateStatus.VALID


def test_the_finalised_cycle_has_its_certificates_one_revoked_one_reissued(loaded):
    cycle = finalised()
    eligible = set(
        AssessmentResult.objects.filter(cycle=cycle, eligible=True).values_list(
            "user_id", flat=True
        )
    )
    issued = list(Certificate.objects.filter(cycle=cycle).select_related("issued_by"))
    in_force = [c for c in issued if c.revoked_at is None]
    assert {c.user_id for c in issued} <= eligible
    assert len(in_force) == len(eligible) - 1  # all but the revoked one
    assert {c.issued_by.username for c in issued} == {"H0001"}
    revoked = [c for c in issued if c.revoked_at is not None]
    assert len(revoked) == 2
    [gone] = [c for c in revoked if c.superseded_by_id is None]
    [replaced] = [c for c in revoked if c.superseded_by_id is not None]
    assert gone.revoke_reason == demo.REVOKE_REASON
    assert replaced.revoke_reason == demo.REISSUE_REASON
    new = replaced.superseded_by
    assert new.user_id == replaced.user_id and new.serial != replaced.serial
    assert new.issued_at > replaced.issued_at and new.status() == CertificateStatus.VALID
    # Issued the day after the cycle was finalised, as HR would.
    first = min(c.issued_at for c in issued)
    assert timezone.localdate(first) == timezone.localdate(cycle.finalised_at) + DAY
    learner = Certificate.objects.get(cycle=cycle, user__username="E1001")
    assert learner.status() == CertificateStatus.VALID


def test_names_outside_gb2312_hold_certificates(loaded):
    for name in ("王喆", "李堃", "刘䶮"):
        with pytest.raises(UnicodeEncodeError):
            name.encode("gb2312")
        names = Certificate.objects.filter(user__profile__full_name=name).values_list(
            "content__name", flat=True
        )
        assert set(names) == {name}


def test_a_second_run_changes_nothing(loaded):
    before = sorted(
        Certificate.objects.values_list("serial", "issued_at", "revoked_at", "content")
    )
    made = demo.load_demo_certificates()
    assert made == {"cycle": 0, "course": 0, "redated": 0, "revoked": 0, "reissued": 0}
    after = sorted(Certificate.objects.values_list("serial", "issued_at", "revoked_at", "content"))
    assert after == before


def test_a_certificate_issued_before_its_completion_was_dated_back_follows_it(loaded):
    # As in a demo loaded outside one transaction: the receiver issued the certificate on
    # completion, and rendered it, before the demo dated the completion back.
    enrolment = Enrolment.objects.filter(completed_at__isnull=False).first()
    Certificate.objects.filter(user=enrolment.user, course=enrolment.course).delete()
    back = enrolment.completed_at
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=timezone.now())
    certificate = certificate_issue_for_course(enrolment=enrolment)
    Certificate.objects.filter(pk=certificate.pk).update(
        rendered_at=timezone.now(), sha256="0" * 64
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=back)
    loaded.clear()

    made = demo.load_demo_certificates()
    assert made["redated"] == 1 and made["course"] == 0
    certificate.refresh_from_db()
    assert certificate.issued_at == back + demo.COURSE_DELAY
    assert certificate.content["course"]["completed_on"] == timezone.localdate(back).isoformat()
    assert certificate.content["expires_on"] == (
        certificate.expires_on.isoformat() if certificate.expires_on else None
    )
    assert certificate.expires_on is None or certificate.expires_on > timezone.localdate()
    # Rendered again, with its right dates.
    assert (certificate.rendered_at, certificate.sha256) == (None, "")
    assert loaded == [certificate.pk]


def test_the_certificates_name_the_demo_company_and_carry_its_seal(loaded, client):
    from wagtail.images import get_image_model

    from assessments.demo.seal import SEAL_TITLE, load_demo_issuer

    for template in CertificateTemplate.objects.filter(active=True).select_related("seal"):
        assert template.issuer_name == "迅捷快递有限公司"
        assert template.seal is not None and template.seal.title == SEAL_TITLE
        assert template.seal.width == template.seal.height > 0
    assert load_demo_issuer() == 0  # a second run changes nothing
    assert get_image_model().objects.filter(title=SEAL_TITLE).count() == 1
    certificate = Certificate.objects.filter(revoked_at__isnull=True, kind="cycle").first()
    page = client.get(f"/verify/{certificate.code}/").content.decode()
    assert "迅捷快递有限公司" in page and certificate.serial in page
