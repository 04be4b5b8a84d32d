"""A certificate's PDF (assessments/certificates/pdf.py), read back with poppler's tools: the
Chinese names (outside GB2312 too) and the serial number come back as text, every font is
embedded, the file is PDF/A and tagged, a certificate is rendered once; the default templates;
the templates' admin with its PDF preview."""

import copy
import datetime
import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import segno
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from assessments.certificates import pdf as certificate_pdf
from assessments.certificates.admin import (
    CertificateTemplateForm,
    CertificateTemplateViewSet,
    template_save,
)
from assessments.certificates.pdf import (
    certificate_render,
    fill,
    render_pdf,
    render_template_preview,
)
from assessments.certificates.tasks import render_certificate, render_certificates
from assessments.models import Certificate, CertificateKind, CertificateTemplate
from tests import factories

pytestmark = pytest.mark.django_db

POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts") and shutil.which("pdfinfo")
needs_poppler = pytest.mark.skipif(
    not POPPLER, reason="poppler-utils is not installed (make system-deps installs it)"
)


def poppler(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / f"{hashlib.sha256(pdf).hexdigest()[:12]}.pdf"
    path.write_bytes(pdf)
    command = [tool, *args, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def fonts_of(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    """pdffonts' rows: name, type..., emb, sub, uni, object, generation."""
    lines = poppler("pdffonts", pdf, tmp_path).splitlines()[2:]
    return [line.split() for line in lines if line.strip()]


def content(name: str, number: str) -> dict:
    """What an assessment certificate of `name` says: the preview's sample, another person."""
    sample = copy.deepcopy(certificate_pdf.SAMPLE_CONTENT)
    del sample["course"]
    sample["cycle"]["parts"]["efficiency"] = None  # a part without data prints as such
    return {**sample, "name": name, "employee_number": number}


@pytest.fixture
def make_certificate(cycle):
    template = CertificateTemplate.objects.get(kind=CertificateKind.CYCLE, active=True)
    counter = iter(range(1, 100))

    def make(profile) -> Certificate:
        number = next(counter)
        return factories.make_certificate(
            profile.user,
            cycle=cycle,
            serial=f"2026-A-{number:06d}",
            code=f"ABCDEFGHJKMN{number:04d}",
            template=template,
            content=content(profile.full_name, profile.user.username),
            issued_at=timezone.now(),
            expires_on=datetime.date(2027, 11, 27),
            rendered=False,
        )

    return make


# The PDF ---------------------------------------------------------------------------------------


@needs_poppler
@pytest.mark.parametrize("who", ["learner", "colleague", "xihu"])
def test_names_outside_gb2312_and_the_serial_come_back_as_text(
    people, make_certificate, tmp_path, who
):
    certificate = make_certificate(people[who])
    pdf = render_pdf(certificate)
    text = poppler("pdftotext", pdf, tmp_path)

    name = {"learner": "王喆", "colleague": "李堃", "xihu": "刘䶮"}[who]
    assert people[who].full_name == name
    assert name in text
    assert certificate.serial in text
    assert "考核证书" in text and "Assessment Certificate" in text
    assert "2026年第三季度考核" in text
    assert "85.5" in text and "良好" in text
    assert "\ufffd" not in text  # no missing glyph came out as a replacement character
    assert poppler("pdfinfo", pdf, tmp_path).count("Pages:           1") == 1


@needs_poppler
def test_every_font_is_embedded_and_none_is_a_type3_fallback(people, make_certificate, tmp_path):
    pdf = render_pdf(make_certificate(people["xihu"]))
    fonts = fonts_of(pdf, tmp_path)

    assert fonts, "the PDF uses no font"
    for row in fonts:
        emb, _sub, uni = row[-5:-2]
        assert (emb, uni) == ("yes", "yes"), row
        assert "Type 3" not in " ".join(row), row
    assert any("Certificate-Sans-SC" in row[0] for row in fonts)


@needs_poppler
def test_a_character_the_bundled_font_lacks_falls_back_to_an_embedded_system_font(
    people, make_certificate, tmp_path
):
    profile = people["south"]
    profile.full_name = "黄旸"  # 旸 (U+65F8) is in GBK, not in GB2312 nor the bundled font
    certificate = make_certificate(profile)
    pdf = render_pdf(certificate)

    assert "黄旸" in poppler("pdftotext", pdf, tmp_path)
    fonts = fonts_of(pdf, tmp_path)
    assert len(fonts) >= 2
    assert all(row[-5] == "yes" for row in fonts)


@needs_poppler
def test_the_pdf_is_pdf_a_and_tagged(people, make_certificate, tmp_path):
    pdf = render_pdf(make_certificate(people["learner"]))

    info = poppler("pdfinfo", pdf, tmp_path)
    assert "Tagged:          yes" in info
    assert "Page size:       841.89 x 595.276 pts (A4)" in info
    metadata = poppler("pdfinfo", pdf, tmp_path, "-meta")
    assert "pdfaid:part" in metadata
    structure = poppler("pdfinfo", pdf, tmp_path, "-struct")  # the StructTreeRoot, read
    assert structure.startswith("Document") and "H1" in structure and "Figure" in structure


@needs_poppler
def test_each_part_reads_as_one_paragraph_of_its_label_and_its_score(
    people, make_certificate, tmp_path
):
    pdf = render_pdf(make_certificate(people["learner"]))
    # The structure tree's text, in its logical order: what a screen reader reads.
    tree = poppler("pdfinfo", pdf, tmp_path, "-struct-text")
    texts = [
        " ".join(line.strip().strip('"').split()) for line in tree.splitlines() if '"' in line
    ]

    parts = texts.index("2026年第三季度考核 得分 Score")
    assert texts[parts + 1 : parts + 7] == [
        "知识掌握 Knowledge 86.0",
        "客户满意度 Customer satisfaction 91.2",
        "工作效率 Work efficiency -",  # no data
        "团队协作与沟通 Teamwork and communication 80.0",
        "综合得分 Overall 85.5",
        "等级 Grade 良好 Good",
    ]


def test_the_qr_code_holds_the_public_verification_address(people, make_certificate):
    certificate = make_certificate(people["learner"])
    html, resources = certificate_pdf.render_html(certificate)

    url = "http://testserver" + reverse("certificates:verify", args=[certificate.code])
    assert url in html  # the QR code's alternative text
    png, mime = resources["qr-0.png"]
    assert mime == "image/png"
    modules = Image.open(io.BytesIO(png)).convert("1")  # one pixel a module, no border
    dark = [
        [modules.getpixel((x, y)) == 0 for x in range(modules.width)]
        for y in range(modules.height)
    ]
    assert dark == [[bool(m) for m in row] for row in segno.make(url, error="m", mask=0).matrix]
    radar, _ = resources["radar-0.svg"]
    assert b"stroke-dasharray" in radar  # the branch average, dashed


@needs_poppler
def test_the_qr_code_prints_with_square_modules(people, make_certificate, tmp_path):
    pdf = render_pdf(make_certificate(people["learner"]))

    images = poppler("pdfimages", pdf, tmp_path, "-list").splitlines()[2:]
    (qr,) = (line.split() for line in images if line.strip())
    # page num type width height color comp bpc enc interp: one pixel a module, not smoothed
    assert qr[3] == qr[4] and int(qr[3]) >= 21 and qr[9] == "no"


# Rendered once ----------------------------------------------------------------------------------


def test_a_certificate_is_rendered_once_and_stored_with_its_sha256(
    people, make_certificate, monkeypatch
):
    certificate = make_certificate(people["learner"])
    certificate_render(certificate)
    certificate.refresh_from_db()

    with certificate.pdf.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-")
    assert certificate.sha256 == hashlib.sha256(data).hexdigest()
    assert certificate.rendered_at is not None
    assert certificate.serial not in certificate.pdf.name  # an unguessable name
    assert certificate.pdf.name.startswith("certificates/")
    assert not certificate.pdf.name.startswith("certificates/certificates/")
    name, rendered_at = certificate.pdf.name, certificate.rendered_at

    def fail(_):
        raise AssertionError("rendered again")

    monkeypatch.setattr(certificate_pdf, "render_pdfs", fail)
    again = certificate_render(Certificate.objects.get(pk=certificate.pk))
    assert (again.pdf.name, again.sha256, again.rendered_at) == (
        name,
        certificate.sha256,
        rendered_at,
    )
    result = render_certificate.enqueue(certificate.pk).return_value
    assert result == {"rendered": False, "sha256": certificate.sha256}


def test_the_task_renders_an_issued_certificate(people, make_certificate):
    certificate = make_certificate(people["colleague"])

    result = render_certificate.enqueue(certificate.pk).return_value

    certificate.refresh_from_db()
    assert result == {"rendered": True, "sha256": certificate.sha256}
    assert certificate.pdf and certificate.rendered_at is not None
    assert render_certificate.enqueue(0).return_value == {"rendered": False, "missing": True}


@needs_poppler
def test_a_batch_makes_each_certificate_s_own_pdf_as_one_at_a_time_would(
    people, make_certificate, tmp_path
):
    made = [make_certificate(people[who]) for who in ("learner", "colleague", "xihu")]
    course = CertificateTemplate.objects.get(kind=CertificateKind.COURSE, active=True)
    preview = Certificate(
        kind=course.kind,
        template=course,
        content={**certificate_pdf.SAMPLE_CONTENT, "name": "赵敏"},
        serial="2026-C-000009",
        code="PREVIEW000000009",
    )
    batch = [made[0], preview, *made[1:]]  # two templates, laid out apart

    pdfs = certificate_pdf.render_pdfs(batch)

    assert len(pdfs) == 4
    for certificate, pdf in zip(batch, pdfs, strict=True):
        info = poppler("pdfinfo", pdf, tmp_path)
        assert "Pages:           1" in info and "Tagged:          yes" in info
        assert f"Title:           {certificate.template.title_zh} {certificate.serial}" in info
        text = poppler("pdftotext", pdf, tmp_path)
        assert certificate.content["name"] in text and certificate.serial in text
        others = [c.serial for c in batch if c is not certificate]
        assert not any(serial in text for serial in others)
    alone = certificate_pdf.render_pdfs([made[1]])[0]
    assert poppler("pdftotext", alone, tmp_path) == poppler("pdftotext", pdfs[2], tmp_path)


def test_the_batch_task_renders_the_waiting_certificates_and_skips_the_rest(
    people, make_certificate
):
    first, second, third = (make_certificate(people[w]) for w in ("learner", "colleague", "xihu"))
    certificate_render(first)
    first.refresh_from_db()

    result = render_certificates.enqueue([first.pk, second.pk, third.pk, 0]).return_value

    assert result == {"rendered": 2, "missing": 1}
    for certificate in (second, third):
        certificate.refresh_from_db()
        assert certificate.pdf and certificate.sha256 and certificate.rendered_at is not None
    assert Certificate.objects.get(pk=first.pk).sha256 == first.sha256  # not rendered again


def test_a_certificate_that_cannot_be_rendered_does_not_stop_the_others_of_its_batch(
    people, make_certificate, monkeypatch
):
    made = [make_certificate(people[who]) for who in ("learner", "colleague", "xihu")]
    real = certificate_pdf._context

    def context(certificate, *args):
        if certificate.content["name"] == "李堃":
            raise ValueError("a broken certificate")
        return real(certificate, *args)

    monkeypatch.setattr(certificate_pdf, "_context", context)

    with pytest.raises(ValueError, match="a broken certificate"):
        render_certificates.call([c.pk for c in made])

    rendered = {c.content["name"]: c.rendered_at is not None for c in Certificate.objects.all()}
    assert rendered == {"王喆": True, "李堃": False, "刘䶮": True}


# Templates and their wording ---------------------------------------------------------------------


def test_the_default_templates_exist_one_active_per_kind():
    course = CertificateTemplate.objects.get(kind=CertificateKind.COURSE, active=True)
    cycle = CertificateTemplate.objects.get(kind=CertificateKind.CYCLE, active=True)
    assert (course.title_zh, course.title_en) == ("结业证书", "Certificate of Completion")
    assert (cycle.title_zh, cycle.title_en) == ("考核证书", "Assessment Certificate")
    assert (course.valid_months, cycle.valid_months) == (24, 12)
    for template in (course, cycle):
        assert "{name}" in template.body_zh and "{name}" in template.body_en


def test_placeholders_are_filled_in_each_language_and_unknown_ones_kept():
    data = content("王喆", "L001")
    text = "{name} {employee_number} {cycle} {grade} {overall} {issued_on} {expires_on} {x}"
    assert fill(text, data, "zh-hans") == (
        "王喆 L001 2026年第三季度考核 良好 85.5 2026年11月27日 2027年11月27日 {x}"
    )
    assert fill(text, data, "en") == (
        "王喆 L001 2026年第三季度考核 Good 85.5 27 November 2026 27 November 2027 {x}"
    )
    assert fill("{name.__class__}", data, "en") == "{name.__class__}"


@needs_poppler
@pytest.mark.parametrize("kind", [CertificateKind.COURSE, CertificateKind.CYCLE])
@pytest.mark.parametrize("layout", ["landscape", "portrait"])
def test_a_templates_preview_is_one_page_with_the_sample_person(kind, layout, tmp_path):
    template = CertificateTemplate.objects.get(kind=kind, active=True)
    template.layout = layout
    text = poppler("pdftotext", render_template_preview(template), tmp_path)

    assert "刘䶮" in text
    assert template.title_zh in text
    pdf = render_template_preview(template)
    assert "Pages:           1" in poppler("pdfinfo", pdf, tmp_path)


def test_activating_a_template_retires_the_other_of_its_kind():
    old = CertificateTemplate.objects.get(kind=CertificateKind.CYCLE, active=True)
    new = CertificateTemplate(
        kind=CertificateKind.CYCLE, name="新版", title_zh="考核证书", body_zh="{name}"
    )
    template_save(new)

    old.refresh_from_db()
    assert new.active and not old.active
    assert CertificateTemplate.objects.filter(kind=CertificateKind.COURSE, active=True).exists()


def test_the_form_refuses_unknown_placeholders():
    template = CertificateTemplate.objects.get(kind=CertificateKind.CYCLE, active=True)
    form_class = CertificateTemplateViewSet.edit_handler.bind_to_model(
        CertificateTemplate
    ).get_form_class()
    assert issubclass(form_class, CertificateTemplateForm)
    form = form_class(
        instance=template,
        data={
            "kind": "cycle",
            "name": template.name,
            "active": "on",
            "layout": "landscape",
            "title_zh": "考核证书",
            "body_zh": "兹证明 {name} {nmae}",
            "title_en": "",
            "body_en": "",
            "signatory_name": "",
            "signatory_title": "",
            "valid_months": "12",
        },
    )
    assert not form.is_valid()
    assert "{nmae}" in str(form.errors["body_zh"])


# The admin ---------------------------------------------------------------------------------------


def test_hr_edits_and_previews_a_template_as_pdf_and_a_learner_cannot(people, login, client):
    template = CertificateTemplate.objects.get(kind=CertificateKind.CYCLE, active=True)
    url = reverse("certificate_templates:preview_pdf", args=[template.pk])

    login(people["hr"])  # by the role's permissions, not as a superuser
    assert client.get(reverse("certificate_templates:list")).status_code == 200
    edit = client.get(reverse("certificate_templates:edit", args=[template.pk]))
    assert url in edit.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response.content.startswith(b"%PDF-")

    login(people["learner"])
    assert client.get(url).status_code in (302, 403)


@needs_poppler
def test_the_logo_and_the_signature_are_on_the_page(tmp_path):
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PillowImage
    from wagtail.images.models import Image

    def image(title: str, colour: str) -> Image:
        buffer = io.BytesIO()
        PillowImage.new("RGBA", (120, 40), colour).save(buffer, "PNG")
        return Image.objects.create(title=title, file=ImageFile(buffer, name=f"{title}.png"))

    template = CertificateTemplate.objects.get(kind=CertificateKind.COURSE, active=True)
    template.logo = image("logo", "#9a7b2f")
    template.signature = image("signature", "#000000")
    template.signatory_name = "周远"
    template.save()

    pdf = render_template_preview(template)
    images = poppler("pdfimages", pdf, tmp_path, "-list").splitlines()[2:]
    assert len(images) >= 2  # the logo and the signature (the QR code is drawn, not an image)
    assert "周远" in poppler("pdftotext", pdf, tmp_path)


@needs_poppler
def test_the_issuing_company_and_its_seal_are_on_the_page(tmp_path):
    from django.core.files.images import ImageFile
    from wagtail.images.models import Image

    from assessments.demo.seal import COMPANY, seal_png

    template = CertificateTemplate.objects.get(kind=CertificateKind.CYCLE, active=True)
    without = poppler("pdfimages", render_template_preview(template), tmp_path, "-list")
    template.issuer_name = COMPANY
    template.seal = Image.objects.create(
        title="seal", file=ImageFile(io.BytesIO(seal_png(size=120)), name="seal.png")
    )
    template.save()

    pdf = render_template_preview(template)
    text = " ".join(poppler("pdftotext", pdf, tmp_path).split())
    assert "发证单位 Issued by: 迅捷快递有限公司" in text
    assert "证书编号 Serial No.: 2026-A-000000" in text
    with_seal = poppler("pdfimages", pdf, tmp_path, "-list")
    # the seal: its colours and its transparency (a soft mask)
    assert len(with_seal.splitlines()) == len(without.splitlines()) + 2
    assert "smask" in with_seal and "smask" not in without
    pages = re.search(r"Pages:\s+(\d+)", poppler("pdfinfo", pdf, tmp_path)).group(1)
    assert pages == "1"  # the seal does not push anything onto a second page
