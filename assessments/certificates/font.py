"""Build the certificate font: Noto Sans CJK SC cut to GB2312 (+ name characters), TrueType.

WeasyPrint embeds a subset of every font a PDF uses. Subsetting a whole CJK font with CFF
outlines costs ~100 ms per PDF even with HarfBuzz; a font holding only the characters of
GB2312 (6,763 hanzi, what nearly every name and sentence needs), a list of characters
outside it that are common in names, and TrueType (quadratic) outlines costs ~25 ms.
Characters outside it fall back, glyph by glyph, to the system's Noto Sans CJK SC /
WenQuanYi Zen Hei (see templates/certificates/certificate.css).

Run (needs Debian's fonts-noto-cjk), from the project root:

    .venv/bin/python -m assessments.certificates.font

It writes static/fonts/CertificateSansSC-Regular.ttf (SIL Open Font License 1.1,
see static/fonts/OFL.txt; renamed as the licence asks of modified versions).
"""

import contextlib
import sys
from pathlib import Path

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTCollection, newTable

# One weight: a second font would be a second subset to embed in every PDF.
SOURCES = {"Regular": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"}
SC_INDEX = 2  # Noto Sans CJK SC in Debian's collections (JP, KR, SC, TC, HK, ...)
FAMILY = "Certificate Sans SC"
OUT = Path(__file__).resolve().parents[2] / "static" / "fonts"

# Characters outside GB2312 that are common in names (GBK and CJK Extension A).
NAME_EXTRAS = (
    "喆堃䶮昇玥珺琇瑄瑢瑭璟璠鋆镕淏浛溋焜煊熠燊犇骉垚淼焱鑫森晔晟昀昕旻暐曌"
    "赟贇赟婧婕婞娴嫣媖姮妘嬅嫚嫱嫘琤琬珂珈珩珣珮玓玙瑀瑗瑨瑱璁璇璘璨"
    "祎祺禛禕筠箐綦缇缙翀翊翙翯翾耘聿肸胤臻芃芮苒茜荟莛菁萁萱蒨蓁蓥蔚"
    "彧徵忞恺悦惇愔慜懋戬晗晞晧暄曈曦杲枏柘栩梓棨椿楦榆樾橦檀沄沅泓洺"
    "涞涢渼湉溥滢潆澍濛灏炘炜烜焓煜熹燚珅琦琨琰瑆瑾璐璞璿甦皓睿瞳砚碹"
    "祐祜禔禩穰竑笙筱篪籀纮绮绶缦罡羿翎耀胥茗菡萩葳蕙蕤薇藜蘅"
)


def characters() -> set[int]:
    chars = set(range(0x20, 0x7F)) | set(range(0xA0, 0x180))
    chars |= set(range(0x2000, 0x2070)) | set(range(0x3000, 0x3040)) | set(range(0xFF01, 0xFF5F))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(ord(bytes([high, low]).decode("gb2312")))
    chars |= {ord(c) for c in NAME_EXTRAS}
    return chars


def to_truetype(font) -> None:
    """CFF (cubic) outlines to glyf (quadratic), as fontTools' otf2ttf snippet does."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["maxp"] = maxp
    post = font["post"]
    post.formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font, style: str) -> None:
    full = f"{FAMILY} {style}" if style != "Regular" else FAMILY
    ps = f"{FAMILY.replace(' ', '')}-{style}"
    names = font["name"]
    names.names = [n for n in names.names if n.nameID in (0, 7, 8, 9, 11, 12, 13, 14)]
    for name_id, value in (
        (1, FAMILY),
        (2, style),
        (3, ps),
        (4, full),
        (5, "Version 1.0"),
        (6, ps),
    ):
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
    font["OS/2"].usWeightClass = 700 if style == "Bold" else 400


def build(style: str, source: str) -> Path:
    font = TTCollection(source).fonts[SC_INDEX]
    options = Options()
    options.layout_features = ["kern", "liga", "locl", "palt", "vert"]
    options.drop_tables += ["vhea", "vmtx", "VORG", "BASE", "JSTF"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = Subsetter(options)
    subsetter.populate(unicodes=characters())
    subsetter.subset(font)
    to_truetype(font)
    rename(font, style)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{FAMILY.replace(' ', '')}-{style}.ttf"
    font.save(path)
    return path


def main() -> int:
    for style, source in SOURCES.items():
        path = build(style, source)
        print(f"{path}: {path.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
