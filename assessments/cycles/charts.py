"""Charts as SVG made on the server, so a page and a PDF (WeasyPrint) show the same markup.

Pure: plain values in, an SVG string out. No scripts, no external resources, every text
escaped; styling is in presentation attributes (no CSS needed). Each chart has a `<title>`
and a `<desc>` that spells out every value, so a screen reader reads the numbers. The same
input always gives the same string (coordinates are rounded to one decimal).
"""

import math
import re
import unicodedata
from bisect import bisect_right
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', sans-serif"


RINGS = (20, 40, 60, 80, 100)


DEFAULT_BINS = [
    (Decimal(0), Decimal(60)),
    (Decimal(60), Decimal(70)),
    (Decimal(70), Decimal(80)),
    (Decimal(80), Decimal(90)),
    (Decimal(90), Decimal(100)),
]


SCORE_COLOUR = "#1f6fb2"


COMPARE_COLOUR = "#d9822b"


GRID_COLOUR = "#c8c8c8"


TEXT_COLOUR = "#333333"


MUTED_COLOUR = "#767676"  # 4.5:1 on white (WCAG AA), for the rings' numbers


NO_VALUE = "\u2014"  # em dash


EN_DASH = "\u2013"


# Characters XML 1.0 forbids: a label holding one would make the whole SVG unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


Number = Decimal | int | float


def radar(
    axes: list[tuple[str, Decimal | None]],
    *,
    compare: list[Decimal | None] | None = None,
    compare_label: str = "",
    title: str = "",
    no_data_label: str = "no data",
    size: int = 320,
    ring_labels: bool = True,
) -> SafeString:
    """A spider chart of scores 0-100 on 3-8 axes, optionally over a dashed comparison
    (e.g. the branch average). An axis without data is drawn at the centre. Without
    `ring_labels` the rings are not numbered (where the scores are printed beside it)."""
    if not 3 <= len(axes) <= 8:
        raise ValueError(f"a radar chart needs 3 to 8 axes, got {len(axes)}")
    if compare is not None and len(compare) != len(axes):
        raise ValueError(f"compare has {len(compare)} values for {len(axes)} axes")
    font_size, gap = 12, 8
    radius = size * 0.32
    scores = [_clamp(value, 100) for _, value in axes]
    compared = [_clamp(value, 100) for value in compare] if compare is not None else None

    directions = [
        (math.sin(2 * math.pi * i / len(axes)), -math.cos(2 * math.pi * i / len(axes)))
        for i in range(len(axes))
    ]
    labels = []  # (text, dx, dy, anchor) relative to the centre
    half_width = size / 2
    for (label, _), score, (sx, sy) in zip(axes, scores, directions, strict=True):
        text = label if score is not None else f"{label} ({no_data_label})"
        dx, dy = sx * (radius + gap), sy * (radius + gap)
        text_width = _text_width(text, font_size)
        if sx > 0.3:
            anchor, extent = "start", dx + text_width
        elif sx < -0.3:
            anchor, extent = "end", -dx + text_width
        else:
            anchor, extent = "middle", abs(dx) + text_width / 2
        if sy < -0.3:
            dy -= 4
        elif sy > 0.3:
            dy += font_size * 0.9
        else:
            dy += font_size * 0.35
        labels.append((text, dx, dy, anchor))
        half_width = max(half_width, extent + 4)
    width = 2 * math.ceil(half_width)
    legend = compared is not None and bool(compare_label)
    height = size + (20 if legend else 0)
    cx, cy = width / 2, size / 2

    def polygon(values: list[Decimal | None]) -> str:
        return " ".join(
            _point(cx + sx * radius * _ratio(v, 100), cy + sy * radius * _ratio(v, 100))
            for v, (sx, sy) in zip(values, directions, strict=True)
        )

    parts = []
    for ring in RINGS:
        stroke = MUTED_COLOUR if ring == 100 else GRID_COLOUR
        parts.append(
            f'<polygon class="ring" points="{polygon([Decimal(ring)] * len(axes))}" '
            f'fill="none" stroke="{stroke}" stroke-width="1"/>'
        )
    for sx, sy in directions:
        parts.append(
            f'<line class="axis" x1="{_n(cx)}" y1="{_n(cy)}" x2="{_n(cx + sx * radius)}" '
            f'y2="{_n(cy + sy * radius)}" stroke="{GRID_COLOUR}" stroke-width="1"/>'
        )
    for ring in RINGS if ring_labels else ():
        parts.append(
            _text(str(ring), cx + 3, cy - radius * ring / 100 - 2, size=9, fill=MUTED_COLOUR)
        )
    parts.append(
        f'<polygon class="score" points="{polygon(scores)}" fill="{SCORE_COLOUR}" '
        f'fill-opacity="0.25" stroke="{SCORE_COLOUR}" stroke-width="2" '
        f'stroke-linejoin="round"/>'
    )
    if compared is not None:
        parts.append(
            f'<polygon class="compare" points="{polygon(compared)}" fill="none" '
            f'stroke="{COMPARE_COLOUR}" stroke-width="1.5" stroke-dasharray="5 3"/>'
        )
    for text, dx, dy, anchor in labels:
        parts.append(_text(text, cx + dx, cy + dy, size=font_size, anchor=anchor))
    if legend:
        y = size + 8
        parts.append(
            f'<line x1="{_n(cx - 60)}" y1="{_n(y)}" x2="{_n(cx - 36)}" y2="{_n(y)}" '
            f'stroke="{COMPARE_COLOUR}" stroke-width="1.5" stroke-dasharray="5 3"/>'
        )
        parts.append(_text(compare_label, cx - 30, y + 4, size=11))

    desc = "; ".join(
        f"{label} {_value(score, no_data_label)}"
        for (label, _), score in zip(axes, scores, strict=True)
    )
    if compared is not None:
        desc += ". " if not compare_label else f". {compare_label}: "
        desc += "; ".join(
            f"{label} {_value(value, no_data_label)}"
            for (label, _), value in zip(axes, compared, strict=True)
        )
    return _svg(width, height, title, desc, parts)


def histogram(
    values: list[Decimal],
    *,
    bins: list[tuple[Decimal, Decimal]] | None = None,
    title: str = "",
    width: int = 480,
    height: int = 200,
) -> SafeString:
    """How a part's scores spread over bins: each bin holds lo <= v < hi, the last also hi
    (so 100 falls in 90-100). Values outside the bins count in the first or last bin."""
    bins = DEFAULT_BINS if bins is None else bins
    if not bins:
        raise ValueError("a histogram needs at least one bin")
    for (lo, hi), following in zip(bins, [*bins[1:], None], strict=True):
        if not lo < hi:
            raise ValueError(f"bin {lo}-{hi} is empty")
        if following is not None and following[0] != hi:
            raise ValueError(f"bins must follow one another, {hi} != {following[0]}")
    counts = [0] * len(bins)
    edges = [lo for lo, _ in bins[1:]]
    for value in values:
        number = _decimal(value)
        if number.is_nan():
            raise ValueError("a histogram cannot place NaN")
        counts[bisect_right(edges, number)] += 1

    font_size, top, bottom, side = 11, 20, 22, 8
    plot_width, plot_height = width - 2 * side, height - top - bottom
    band = plot_width / len(bins)
    highest = max(counts) or 1
    labels = [f"{_plain(lo)}{EN_DASH}{_plain(hi)}" for lo, hi in bins]
    base = top + plot_height
    parts = [
        f'<line class="baseline" x1="{_n(side)}" y1="{_n(base)}" x2="{_n(width - side)}" '
        f'y2="{_n(base)}" stroke="{MUTED_COLOUR}" stroke-width="1"/>'
    ]
    for i, (count, label) in enumerate(zip(counts, labels, strict=True)):
        bar_height = plot_height * count / highest
        middle = side + band * (i + 0.5)
        parts.append(
            f'<rect class="bar" x="{_n(middle - band * 0.35)}" y="{_n(base - bar_height)}" '
            f'width="{_n(band * 0.7)}" height="{_n(bar_height)}" fill="{SCORE_COLOUR}"/>'
        )
        parts.append(
            _text(str(count), middle, base - bar_height - 4, size=font_size, anchor="middle")
        )
        parts.append(_text(label, middle, base + font_size + 4, size=font_size, anchor="middle"))
    desc = "; ".join(f"{label}: {count}" for label, count in zip(labels, counts, strict=True))
    return _svg(width, height, title, desc, parts)


def bar_list(
    rows: list[tuple[str, Decimal | None]],
    *,
    max_value: Number = 100,
    title: str = "",
    no_data_label: str = "no data",
    width: int = 480,
) -> SafeString:
    """Horizontal bars with their labels, e.g. the average of each org unit; a row without
    data shows an empty bar and a dash."""
    maximum = _decimal(max_value)
    if not maximum > 0:
        raise ValueError(f"max_value must be positive, got {max_value}")
    font_size, row_height, bar_height, padding = 12, 24, 14, 6
    label_width = min(
        max((_text_width(label, font_size) for label, _ in rows), default=0), width * 0.4
    )
    value_width = _text_width("100.0", font_size) + 8
    bar_x = padding + label_width + 8
    bar_span = max(width - bar_x - value_width - padding, 1)
    height = max(len(rows), 1) * row_height + 2 * padding

    parts = []
    values = [_clamp(value, maximum) for _, value in rows]
    for i, ((label, _), value) in enumerate(zip(rows, values, strict=True)):
        y = padding + i * row_height + (row_height - bar_height) / 2
        text_y = y + bar_height / 2 + font_size * 0.35
        parts.append(
            _text(_fit(label, label_width, font_size), bar_x - 8, text_y, size=font_size,
                  anchor="end")
        )  # fmt: skip
        parts.append(
            f'<rect class="track" x="{_n(bar_x)}" y="{_n(y)}" width="{_n(bar_span)}" '
            f'height="{bar_height}" fill="#f2f2f2" stroke="{GRID_COLOUR}" stroke-width="1"/>'
        )
        bar_length = bar_span * _ratio(value, maximum)
        if value is not None:
            parts.append(
                f'<rect class="bar" x="{_n(bar_x)}" y="{_n(y)}" width="{_n(bar_length)}" '
                f'height="{bar_height}" fill="{SCORE_COLOUR}"/>'
            )
        parts.append(_text(_value(value, NO_VALUE), bar_x + bar_span + 6, text_y, size=font_size))
    desc = "; ".join(
        f"{label} {_value(value, no_data_label)}"
        for (label, _), value in zip(rows, values, strict=True)
    )
    return _svg(width, height, title, desc, parts)


def _svg(width: int, height: int, title: str, desc: str, parts: list[str]) -> SafeString:
    body = "".join(parts)
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="{FONT}">'
        f"<title>{_escape(title)}</title><desc>{_escape(desc)}</desc>{body}</svg>"
    )


def _text(
    text: str, x: float, y: float, *, size: int, anchor: str = "start", fill: str = TEXT_COLOUR
) -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}">{_escape(text)}</text>'
    )


def _escape(text: str) -> str:
    return escape(_NOT_XML.sub("", str(text)))


def _decimal(value: Number) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _clamp(value: Number | None, maximum: Decimal | int) -> Decimal | None:
    """The value within 0..maximum; None (and NaN) stay "no data"."""
    if value is None:
        return None
    number = _decimal(value)
    if number.is_nan():
        return None
    return min(max(number, Decimal(0)), Decimal(maximum))


def _ratio(value: Decimal | None, maximum: Decimal | int) -> float:
    return 0.0 if value is None else float(value / Decimal(maximum))


def _value(value: Decimal | None, missing: str) -> str:
    if value is None:
        return missing
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _plain(value: Number) -> str:
    """60 rather than 60.00 or 6E+1 in a bin's label."""
    number = _decimal(value)
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def _n(value: float) -> str:
    return f"{round(value, 1) + 0.0:.1f}"  # + 0.0 turns -0.0 into 0.0


def _point(x: float, y: float) -> str:
    return f"{_n(x)},{_n(y)}"


def _text_width(text: str, font_size: int) -> float:
    """An estimate: CJK characters are one em wide, the others about 0.6 em."""
    return sum(font_size * (1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6) for c in text)


def _fit(text: str, room: float, font_size: int) -> str:
    """The text, cut with an ellipsis if it would not fit in `room` (the desc keeps it whole)."""
    if _text_width(text, font_size) <= room:
        return text
    while text and _text_width(text + "\u2026", font_size) > room:
        text = text[:-1]
    return text + "\u2026"
