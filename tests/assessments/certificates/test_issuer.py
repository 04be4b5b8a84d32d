"""The issuer a certificate names (the company and its seal) is the one it was issued under:
copied from its template when issued, so that editing the template later changes no issued
certificate; the PDF, the verify page, the holder's page and HR's page read that copy."""

import datetime
import io
from importlib import import_module

import pytest
from django.apps import apps
from django.core.files.images import ImageFile
from django.urls import reverse
from wagtail.images.models import Image

from assessments.certificates import pdf
from assessments.certificates import services as certificates
from assessments.demo.seal import COMPANY, seal_png
from assessments.models import Certificate, CycleState
from tests.factories import assessment_result, in_english, make_certificate, make_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def seal(db):
    return Image.objects.create(
        title="seal", file=ImageFile(io.BytesIO(seal_png(size=96)), name="seal.png")
    )


@pytest.fixture
def issued(people, templates, seal, monkeypatch):
    """Two certificates of a finalised cycle, issued under COMPANY and its seal; the template
    then renamed and its seal taken off."""
    monkeypatch.setattr(certificates, "_enqueue_rendering", lambda ids: None)
    template = templates["cycle"]
    template.issuer_name, template.seal = COMPANY, seal
    template.save()
    cycle = make_cycle("2026年第三季度考核", starts_on=datetime.date(2026, 7, 1),
                       state=CycleState.FINALISED)  # fmt: skip
    for key in ("learner", "colleague"):
        assessment_result(cycle, people[key])
    made = certificates.certificates_issue_for_cycle(cycle=cycle, by=people["hr"].user)
    template.issuer_name, template.seal = "改名后的公司", None
    template.save()
    return {c.user_id: Certificate.objects.get(pk=c.pk) for c in made}


def test_issuing_copies_the_issuer_and_a_later_edit_of_the_template_changes_nothing(
    people, issued, seal
):
    certificate = issued[people["learner"].user.pk]
    assert certificate.issuer_name == COMPANY and certificate.seal_id == seal.pk
    html, resources = pdf.render_html(certificate)
    assert COMPANY in html and "改名后的公司" not in html
    assert "seal" in resources  # the seal it was issued under, not the template's (none)


def test_the_holder_and_hr_see_the_issuer_and_its_seal(people, login, issued, seal):
    certificate = issued[people["learner"].user.pk]
    mine = login(people["learner"]).get(reverse("certificates:mine")).content.decode()
    hr = (
        login(people["hr"])
        .get(reverse("certificates:certificate_detail", args=[certificate.pk]))
        .content.decode()
    )
    for page in (mine, hr):
        assert f"<span>{COMPANY}</span>" in page and "改名后的公司" not in page
        assert f'src="{seal.file.url}"' in page and f'alt="{COMPANY}的印章"' in page
    english = in_english(login(people["learner"])).get(reverse("certificates:mine"))
    assert f'alt="The seal of {COMPANY}"' in english.content.decode()


def test_a_certificate_without_an_issuer_shows_no_issued_by(people, login, course):
    make_certificate(people["learner"].user, course=course)
    page = in_english(login(people["learner"])).get(reverse("certificates:mine"))
    assert "data-issuer" not in page.content.decode()


def test_the_migration_fills_existing_certificates_from_their_template(people, course, seal):
    certificate = make_certificate(people["learner"].user, course=course)
    template = certificate.template
    template.issuer_name, template.seal = COMPANY, seal
    template.save()
    Certificate.objects.filter(pk=certificate.pk).update(issuer_name="", seal=None)
    migration = import_module("assessments.migrations.0025_certificate_issuer_copy")
    migration.copy_issuer(apps, None)
    certificate.refresh_from_db()
    assert certificate.issuer_name == COMPANY and certificate.seal_id == seal.pk


def test_the_migration_marks_printed_what_past_print_jobs_printed(people, course):
    from assessments.models import PrintJob

    printed = make_certificate(people["learner"].user, course=course)
    failed = make_certificate(people["colleague"].user, course=course)
    PrintJob.objects.create(certificate_ids=[printed.pk], count=1, state="done")
    PrintJob.objects.create(certificate_ids=[failed.pk], count=1, state="failed")
    migration = import_module("assessments.migrations.0026_certificate_printed_at")
    migration.from_print_jobs(apps, None)
    printed.refresh_from_db()
    failed.refresh_from_db()
    assert printed.printed_at is not None and failed.printed_at is None
