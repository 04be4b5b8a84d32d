"""The demo company's name and seal on its certificate templates.

The seal is drawn here (no file in the repository, nothing fetched): a red ring, a star and
the company's name with "培训专用章" under it, on a transparent background, the way a
Chinese company's round seal looks, in the certificate font.
"""

from __future__ import annotations

import io
import math

from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.images import get_image_model

from assessments.models.certificates import CertificateTemplate
from lms.demo.company import ORG_UNITS

COMPANY = next(name for _code, name, kind, _parent in ORG_UNITS if kind == "company")
SEAL_TITLE = f"{COMPANY} 培训专用章"
SEAL_SIZE = 480  # pixels: 30 mm printed at about 400 dpi
RED = (200, 16, 46, 255)


def seal_png(company: str = COMPANY, size: int = SEAL_SIZE) -> bytes:
    """A round red seal: the company's name along the top of the ring, a star, a line under."""
    from PIL import Image, ImageDraw, ImageFont

    font_path = str(settings.BASE_DIR / "static" / "fonts" / "CertificateSansSC-Regular.ttf")
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre, ring = size / 2, size * 0.035
    draw.ellipse((ring, ring, size - ring, size - ring), outline=RED, width=int(ring))
    # The star.
    outer, inner = size * 0.14, size * 0.055
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((centre + radius * math.cos(angle), centre + radius * math.sin(angle)))
    draw.polygon(points, fill=RED)
    # The name along the upper arc, each character turned to face the centre.
    font = ImageFont.truetype(font_path, int(size * 0.11))
    radius = size * 0.36
    spread = math.radians(220)
    count = len(company)
    for index, char in enumerate(company):
        angle = -math.pi / 2 - spread / 2 + spread * (index + 0.5) / count
        tile = Image.new("RGBA", (int(size * 0.14), int(size * 0.14)), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text(
            (tile.width / 2, tile.height / 2), char, font=font, fill=RED, anchor="mm"
        )
        tile = tile.rotate(-math.degrees(angle) - 90, resample=Image.BICUBIC)
        x = centre + radius * math.cos(angle) - tile.width / 2
        y = centre + radius * math.sin(angle) - tile.height / 2
        image.alpha_composite(tile, (int(x), int(y)))
    small = ImageFont.truetype(font_path, int(size * 0.075))
    draw.text((centre, size * 0.72), "培训专用章", font=small, fill=RED, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def load_demo_issuer(stdout=None) -> int:
    """The demo company's name and seal on every certificate template that names no issuer
    yet (a second run changes nothing); returns how many templates were changed."""
    templates = CertificateTemplate.objects.filter(issuer_name="")
    if not templates.exists():
        return 0
    Image = get_image_model()
    with transaction.atomic():
        seal = Image.objects.filter(title=SEAL_TITLE).first()
        if seal is None:
            seal = Image(title=SEAL_TITLE)
            seal.file = ImageFile(io.BytesIO(seal_png()), name="demo-seal.png")
            seal.save()
        changed = templates.update(issuer_name=COMPANY, seal=seal)
    if stdout is not None:
        stdout.write(
            f"Demo certificate issuer: {COMPANY} on {changed} template(s), with its seal."
        )
    return changed
