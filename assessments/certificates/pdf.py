"""A certificate's PDF: HTML from a template, laid out by WeasyPrint (PDF/A-2a, tagged).

- The page is `templates/certificates/certificate_sheet.html` in `certificate.html` (A4,
  landscape or portrait as the certificate's template says): the titles in Chinese and
  English, the wording with its placeholders filled from the certificate's `content`
  snapshot, the person's name, for an assessment certificate the five parts, the grade and
  the radar chart, the serial number, the dates, the QR code of the public verification
  address, the logo, the issuing company's name with its seal over it, the signature.
- The font is `static/fonts/CertificateSansSC-Regular.ttf` (Noto Sans CJK SC cut to GB2312
  and characters common in names, TrueType outlines: built by
  `assessments/certificates/font.py`), embedded as a subset. A character it
  lacks falls back, glyph by glyph, to the system's Noto Sans CJK SC or WenQuanYi Zen Hei
  (Debian's fonts-noto-cjk / fonts-wqy-zenhei, installed by `make system-deps`). Subsetting
  is fast only with HarfBuzz's subsetter (Debian's libharfbuzz-subset0, same target).
- `certificate_render` renders a certificate once and keeps the PDF in private storage with
  its SHA-256; a certificate already rendered is never rendered again (re-printing reads the
  stored file). `certificates_render` does the same for many, RENDER_BATCH at a time laid
  out as the pages of one document (`render_pdfs`), each written as a PDF of its own.
"""

import atexit
import copy
import datetime
import gc
import hashlib
import io
import itertools
import mimetypes
import re
import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from assessments.certificates.content import add_months
from assessments.certificates.verification import verification_url
from assessments.cycles.charts import radar
from assessments.models.certificates import Certificate, CertificateKind, CertificateTemplate
from assessments.scoring.labels import GRADE_LABELS, PART_LABELS
from lms.platform.files import unguessable_name

FONT_PATH = Path(settings.BASE_DIR) / "static" / "fonts" / "CertificateSansSC-Regular.ttf"


# The fonts a page asks for, in order: ours, then the system's for the rare character.
FONT_FAMILIES = '"Certificate Sans SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif'


RESOURCE_SCHEME = "certificate:"  # what a page links to, served from memory


PDF_VARIANT = "pdf/a-2a"  # archival (PDF/A-2) and accessible ("a": tagged, Unicode text)


PARTS = ("knowledge", "satisfaction", "efficiency", "teamwork")


SVG = "image/svg+xml"


PNG = "image/png"


# Any of the eight masks makes a valid code; a fixed one spares scoring all eight (2 ms).
QR_MASK = 0


PLACEHOLDER = re.compile(r"\{(\w+)\}")


EN_SPACE = "\u2002"  # in the font, and not stretched when a line is justified


# The certificate a template's preview shows: a name outside GB2312 on purpose.
SAMPLE_CONTENT = {
    "name": "刘䶮",
    "employee_number": "E1001",
    "org_unit": "华东区 / 上海浦东站 / 浦东收派一组",
    "position": "courier",
    "issued_on": "2026-11-27",
    "expires_on": "2027-11-27",
    "course": {"title": "快件收派标准作业", "completed_on": "2026-11-20"},
    "cycle": {
        "name": "2026年第三季度考核",
        "starts_on": "2026-07-01",
        "ends_on": "2026-09-30",
        "grade": "good",
        "eligible": True,
        "parts": {
            "knowledge": "86.0",
            "satisfaction": "91.2",
            "efficiency": "78.5",
            "teamwork": "80.0",
            "overall": "85.5",
        },
        "branch_average": {
            "knowledge": "79.4",
            "satisfaction": "85.0",
            "efficiency": "74.1",
            "teamwork": "76.3",
            "overall": "79.8",
        },
    },
}


SAMPLE_SERIALS = {CertificateKind.COURSE: "2026-C-000000", CertificateKind.CYCLE: "2026-A-000000"}


SAMPLE_CODE = "PREVIEW000000000"


# Certificates laid out as one document (render_pdfs): most of the saving is made by ten, and
# a worker's task of twenty takes about a second.
RENDER_BATCH = 20


# Rendering -----------------------------------------------------------------------------------


def render_pdf(certificate: Certificate) -> bytes:
    """The PDF of `certificate` (saved or not: the preview renders an unsaved one)."""
    return render_pdfs([certificate])[0]


def render_pdfs(certificates: Sequence[Certificate]) -> list[bytes]:
    """The PDFs of `certificates`, one each, in their order.

    Those of one template are laid out together, as the pages of one document, and each is
    then written as a PDF of its own page(s): what WeasyPrint does once per document (the
    cascade's set-up, the page's margin boxes, the resources) is done once for all of them,
    a tenth of a certificate's time. The PDFs are the same as one at a time would make."""
    import weasyprint  # imported here: loading it (Pango, fontconfig) is for renderers only

    font_config, stylesheet = _style()
    pdfs: list[bytes | None] = [None] * len(certificates)
    groups: dict[tuple, list[int]] = {}
    for index, certificate in enumerate(certificates):
        # By the template's row (a preview's template is not saved: by the object then) and
        # the seal the certificate was issued under.
        key = (certificate.template_id or id(certificate.template), certificate.seal_id)
        groups.setdefault(key, []).append(index)
    # WeasyPrint makes some 100,000 short-lived objects a page; the garbage collector's passes
    # over them while it works cost a tenth of the time. Its garbage is collected afterwards.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for indexes in groups.values():
            batch = [certificates[index] for index in indexes]
            html, resources, titles = render_html_batch(batch)
            document = weasyprint.HTML(
                string=html, base_url=RESOURCE_SCHEME, url_fetcher=_fetcher_class()(resources)
            ).render(
                stylesheets=[stylesheet],
                font_config=font_config,
                pdf_variant=PDF_VARIANT,
                pdf_tags=True,
            )
            sheets = _pages_by_sheet(document, len(batch))
            for index, pages, (title, description) in zip(indexes, sheets, titles, strict=True):
                single = document.copy(pages)
                single.metadata = copy.copy(document.metadata)
                single.metadata.title, single.metadata.description = title, description
                pdfs[index] = single.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)
    finally:
        if collecting:
            gc.enable()
    return pdfs


def _pages_by_sheet(document, count: int) -> list[list]:
    """The pages of each certificate of a batch: from the page its sheet (`sheet-N`) starts
    on to the next sheet's (one page, unless a template's text overflows)."""
    sheets: list[list] = [[] for _ in range(count)]
    current = 0
    for page in document.pages:
        starts = [int(name[6:]) for name in page.anchors if name.startswith("sheet-")]
        if starts:
            current = max(starts)
        sheets[current].append(page)
    return sheets


def render_html(certificate: Certificate) -> tuple[str, dict[str, tuple[bytes, str]]]:
    """The page's HTML and what it links to (the QR code, the chart, the images), served to
    WeasyPrint from memory: the page stays small (WeasyPrint's HTML parser is pure Python)
    and nothing is fetched from elsewhere."""
    html, resources, _titles = render_html_batch([certificate])
    return html, resources


def render_html_batch(
    certificates: Sequence[Certificate],
) -> tuple[str, dict[str, tuple[bytes, str]], list[tuple[str, str]]]:
    """One document of the certificates' sheets (of one template), a page each, what it links
    to, and each certificate's PDF title and subject."""
    template = certificates[0].template
    resources: dict[str, tuple[bytes, str]] = {}
    for name in ("logo", "signature"):
        image = _image(getattr(template, name))
        if image is not None:
            resources[name] = image
    # The seal the certificates were issued under (theirs, not the template's now: one batch
    # holds certificates of one template and one seal, `render_pdfs`).
    seal = _image(certificates[0].seal)
    if seal is not None:
        resources["seal"] = seal
    sheets, titles = [], []
    with translation.override("zh-hans"):
        for number, certificate in enumerate(certificates):
            context = _context(certificate, template, certificate.content or {}, number, resources)
            sheets.append(render_to_string("certificates/certificate_sheet.html", context))
            titles.append(
                (
                    f"{template.title_zh} {certificate.serial}",
                    f"{template.title_en} {certificate.serial}",
                )
            )
        html = render_to_string(
            "certificates/certificate.html",
            {
                "template": template,
                "issuer": certificates[0].issuer_name,
                "serial": certificates[0].serial,
                "landscape": template.layout != "portrait",
                "is_cycle": template.kind == CertificateKind.CYCLE,
                "sheets": sheets,  # rendered above, safe
            },
        )
    return html, resources, titles


_local = threading.local()


def warm_up() -> None:
    """Get a process ready to render: load WeasyPrint, the font and the stylesheet, and make
    a sample certificate of each kind (the first PDF of a process also declares HarfBuzz's C
    interface, compiles the page's template...: about half a second). A worker that calls
    this when it starts renders its first certificate as fast as the next ones."""
    for kind in CertificateKind:
        sample = CertificateTemplate(kind=kind, title_zh="证书", title_en="Certificate")
        sample.body_zh = sample.body_en = "{name} {course} {cycle} {grade} {overall}"
        render_template_preview(sample)


class _Zlib:
    """zlib for pydyf (WeasyPrint's PDF writer), which compresses every stream at level 9 and
    has no setting for it: level 6 (zlib's default) makes the certificate's streams 0.6 %
    larger in half the time, 2.5 ms a certificate. Everything else is zlib's own."""

    def __getattr__(self, name):
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level=6, *args, **kwargs):
        return zlib.compressobj(6, *args, **kwargs)


def _style():
    """The font configuration with our font loaded and the page's stylesheet, parsed once
    per thread (Pango's objects are not shared between threads) and kept from one PDF to
    the next: loading the font into Fontconfig and Pango, and parsing the stylesheet, cost
    more than laying out a page."""
    style = getattr(_local, "style", None)
    if style is None:
        import pydyf
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        pydyf.zlib = _Zlib()
        font_config = FontConfiguration()
        css = render_to_string(
            "certificates/certificate.css",
            {"font_url": FONT_PATH.as_uri(), "font_families": FONT_FAMILIES},
        )
        stylesheet = CSS(string=css, base_url=FONT_PATH.as_uri(), font_config=font_config)
        style = _local.style = (font_config, stylesheet)
        atexit.register(_local.__dict__.pop, "style", None)  # clean up while Python is whole
    return style


def _fetcher_class():
    global _Fetcher
    if _Fetcher is None:
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        class Fetcher(URLFetcher):
            """Serves the page's resources from memory; nothing else is fetched."""

            def __init__(self, resources: dict[str, tuple[bytes, str]]):
                super().__init__(allowed_protocols={"certificate"})
                self.resources = resources

            def fetch(self, url, headers=None):
                name = url.removeprefix(RESOURCE_SCHEME)
                if not url.startswith(RESOURCE_SCHEME) or name not in self.resources:
                    raise ValueError(f"not a resource of the page: {url[:80]}")
                body, mime = self.resources[name]
                return URLFetcherResponse(url, body, headers={"Content-Type": mime})

        _Fetcher = Fetcher
    return _Fetcher


_Fetcher = None


def certificate_render(certificate: Certificate) -> Certificate:
    """Render `certificate` once: its PDF in private storage, its SHA-256, when. A certificate
    already rendered is returned as it is (re-printing never re-renders)."""
    return certificates_render([certificate])[0]


def certificates_render(certificates: Sequence[Certificate]) -> list[Certificate]:
    """`certificate_render` of each, the ones still to render laid out RENDER_BATCH at a time
    (`render_pdfs`)."""
    waiting = [c for c in certificates if c.rendered_at is None]
    for batch in render_batches(waiting):
        try:
            pdfs = render_pdfs(batch)
        except Exception:
            if len(batch) == 1:
                raise
            _render_one_by_one(batch)  # one of them fails: the others are still rendered
            continue
        for certificate, data in zip(batch, pdfs, strict=True):
            _store(certificate, data)
    return list(certificates)


def render_batches(items: Iterable) -> Iterator[list]:
    """`items` (certificates or their ids, a list or a lazy query) in the batches rendered at
    a time, laid out as one document (`render_pdfs`): a rendering task's share."""
    items = iter(items)
    while batch := list(itertools.islice(items, RENDER_BATCH)):
        yield batch


def _render_one_by_one(batch: Sequence[Certificate]) -> None:
    """Render each of `batch` alone; then raise the first failure, if any."""
    failure = None
    for certificate in batch:
        try:
            _store(certificate, render_pdfs([certificate])[0])
        except Exception as error:  # raised below, once the others are done
            failure = failure or error
    if failure is not None:
        raise failure


def _store(certificate: Certificate, data: bytes) -> None:
    digest = hashlib.sha256(data).hexdigest()
    storage = certificate.pdf.storage
    # Straight to the storage: the field's upload_to would put a second folder in front.
    name = storage.save(
        unguessable_name("certificates", f"{certificate.serial}.pdf"), ContentFile(data)
    )
    now = timezone.now()
    recorded = Certificate.objects.filter(pk=certificate.pk, rendered_at__isnull=True).update(
        pdf=name, sha256=digest, rendered_at=now
    )
    if not recorded:  # another worker rendered it meanwhile: theirs is the certificate's
        storage.delete(name)
        certificate.refresh_from_db(fields=["pdf", "sha256", "rendered_at"])
        return
    certificate.pdf.name, certificate.sha256, certificate.rendered_at = name, digest, now


def render_template_preview(template: CertificateTemplate) -> bytes:
    """The PDF `template` makes of a sample person (刘䶮), as HR sees it in the admin."""
    today = timezone.localdate()
    content = {
        **SAMPLE_CONTENT,
        "issued_on": today.isoformat(),
        "expires_on": _months_later(today, template.valid_months),
    }
    if template.kind == CertificateKind.COURSE:
        content.pop("cycle")
    else:
        content.pop("course")
    sample = Certificate(
        kind=template.kind,
        template=template,
        issuer_name=template.issuer_name,
        seal=template.seal,
        content=content,
        serial=SAMPLE_SERIALS.get(template.kind, "2026-X-000000"),
        code=SAMPLE_CODE,
    )
    return render_pdf(sample)


# The page's context ---------------------------------------------------------------------------


def qr_png(url: str) -> bytes:
    """The QR code of `url` as a PNG of one pixel a module, printed without smoothing
    (`image-rendering: pixelated`): square modules at any size, like a vector drawing, and
    ~5 ms a certificate less than an SVG path of every module for WeasyPrint to parse and
    draw (tests/benchmarks/bench_certificates.py)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", mask=QR_MASK).save(buffer, kind="png", scale=1, border=0)
    return buffer.getvalue()


def _context(
    certificate: Certificate,
    template: CertificateTemplate,
    content: dict,
    number: int,
    resources: dict[str, tuple[bytes, str]],
) -> dict:
    """The context of the `number`th sheet of a batch; what it links to is added to
    `resources` (which holds the template's images already)."""
    cycle = content.get("cycle") or {}
    url = verification_url(certificate)
    qr = f"qr-{number}.png"
    resources[qr] = (qr_png(url), PNG)
    context = {
        "certificate": certificate,
        "template": template,
        "content": content,
        "landscape": template.layout != "portrait",
        "body_zh": fill(template.body_zh, content, "zh-hans"),
        "body_en": fill(template.body_en, content, "en"),
        "issued_zh": date_zh(content.get("issued_on")),
        "issued_en": date_en(content.get("issued_on")),
        "expires_zh": date_zh(content.get("expires_on")),
        "expires_en": date_en(content.get("expires_on")),
        "serial": certificate.serial,
        "code": _grouped(certificate.code),
        "verify_url": url,
        "sheet_id": f"sheet-{number}",
        "qr": RESOURCE_SCHEME + qr,
        "logo": RESOURCE_SCHEME + "logo" if "logo" in resources else "",
        "signature": RESOURCE_SCHEME + "signature" if "signature" in resources else "",
        "seal": RESOURCE_SCHEME + "seal" if "seal" in resources else "",
        "issuer": certificate.issuer_name,
        "is_cycle": certificate.kind == CertificateKind.CYCLE,
        "cycle": cycle,
        "course": content.get("course") or {},
    }
    if certificate.kind == CertificateKind.CYCLE:
        cycle_context, chart = _cycle_context(cycle)
        context.update(cycle_context)
        resources[f"radar-{number}.svg"] = (chart.encode(), SVG)
        context["radar"] = f"{RESOURCE_SCHEME}radar-{number}.svg"
    return context


def _cycle_context(cycle: dict) -> dict:
    parts = cycle.get("parts") or {}
    average = cycle.get("branch_average") or None
    rows = []
    for part in (*PARTS, "overall"):
        with translation.override("en"):
            label_en = str(PART_LABELS[part]) if part in PART_LABELS else "Overall"
        label_zh = str(PART_LABELS[part]) if part in PART_LABELS else "综合得分"
        rows.append(_part_row(f"{label_zh} {label_en}", _score(parts.get(part)), part))
    axes = [(str(PART_LABELS[part]), _decimal(parts.get(part))) for part in PARTS]
    compare = [_decimal(average.get(part)) for part in PARTS] if average else None
    chart = radar(
        axes,
        compare=compare,
        compare_label=gettext("Branch average") if compare else "",
        title=gettext("The five-part assessment"),
        no_data_label=gettext("no data"),
        size=260,
        ring_labels=False,  # the scores are printed beside it
    )
    # The chart's own font list names the system's CJK font; the page's comes first.
    chart = re.sub(r'font-family="[^"]*"', f"font-family='{FONT_FAMILIES}'", str(chart), count=1)
    grade = cycle.get("grade") or ""
    with translation.override("en"):
        grade_en = str(GRADE_LABELS.get(grade, ""))
    grade_zh = str(GRADE_LABELS.get(grade, ""))
    if grade_zh:
        rows.append(_part_row("等级 Grade", f"{grade_zh} {grade_en}", "grade"))
    context = {
        "parts_head": _part_row(cycle.get("name") or "考核项目 Part", "得分 Score", "")["text"],
        "part_rows": rows,
    }
    return context, chart


def _part_row(label: str, value: str, name: str) -> dict:
    """A line of the parts' list: the label and the value in one text, with en spaces inside
    each, so that justifying the line (certificate.css) stretches only the space between
    them and prints the value at the right."""
    return {"text": f"{_unbreakable(label)} {_unbreakable(value)}", "class": name}


def _unbreakable(text: str) -> str:
    return EN_SPACE.join(text.split())


def fill(text: str, content: dict, language: str) -> str:
    """`text` with its {placeholders} filled from `content` (unknown ones left as they are)."""
    if not text:
        return ""
    values = _placeholder_values(content, language)

    def value(match: re.Match) -> str:
        found = values.get(match.group(1))
        return match.group(0) if found is None else found

    return PLACEHOLDER.sub(value, text)


def _placeholder_values(content: dict, language: str) -> dict[str, str]:
    cycle = content.get("cycle") or {}
    course = content.get("course") or {}
    dates = date_zh if language.startswith("zh") else date_en
    with translation.override(language):
        grade = str(GRADE_LABELS.get(cycle.get("grade") or "", ""))
        never = gettext("no expiry")
    return {
        "name": content.get("name") or "",
        "employee_number": content.get("employee_number") or "",
        "org_unit": content.get("org_unit") or "",
        "course": course.get("title") or "",
        "cycle": cycle.get("name") or "",
        "grade": grade,
        "overall": _score((cycle.get("parts") or {}).get("overall")),
        "issued_on": dates(content.get("issued_on")),
        "expires_on": dates(content.get("expires_on")) or never,
    }


# Small helpers --------------------------------------------------------------------------------


def _parse_date(value) -> datetime.date | None:
    if not value:
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def date_zh(value) -> str:
    day = _parse_date(value)
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


MONTHS_EN = [
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
]


def date_en(value) -> str:
    day = _parse_date(value)
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}" if day else ""


def _months_later(day: datetime.date, months: int | None) -> str | None:
    if not months:
        return None

    return add_months(day, months).isoformat()


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _score(value) -> str:
    number = _decimal(value)
    return "-" if number is None else f"{number:.1f}"


def _grouped(code: str) -> str:
    code = code or ""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _image(image) -> tuple[bytes, str] | None:
    """A Wagtail image's bytes and type (None when it has none or its file is gone)."""
    if image is None:
        return None
    try:
        with image.file.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        return None
    return data, mimetypes.guess_type(image.file.name)[0] or "application/octet-stream"
