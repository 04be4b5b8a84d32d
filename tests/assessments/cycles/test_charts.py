"""Charts are SVG made on the server: well formed, readable aloud, and the same in a PDF."""

import math
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.cycles.charts import bar_list, histogram, radar

SVG = "{http://www.w3.org/2000/svg}"
PARTS = ["知识掌握", "客户满意度", "工作效率", "团队协作与沟通", "综合表现"]
NO_DATA = "\uff08\u65e0\u6570\u636e\uff09"  # (无数据) with full-width brackets
NASTY = "A<B & \"C\" 'D'"


def parse(svg):
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def view_box(root):
    x, y, width, height = (float(n) for n in root.get("viewBox").split())
    return x, y, width, height


def texts(root):
    return [element.text for element in root.iter(f"{SVG}text")]


def points(polygon):
    return [tuple(float(n) for n in pair.split(",")) for pair in polygon.get("points").split()]


def polygon(root, kind):
    (found,) = [p for p in root.iter(f"{SVG}polygon") if p.get("class") == kind]
    return found


def centre_and_radius(root):
    """The centre is where the axes start; the outer ring's corners are 100 away from it."""
    axis = next(line for line in root.iter(f"{SVG}line") if line.get("class") == "axis")
    cx, cy = float(axis.get("x1")), float(axis.get("y1"))
    return (cx, cy), math.dist((cx, cy), (float(axis.get("x2")), float(axis.get("y2"))))


def five_parts(*scores):
    return [
        (part, None if s is None else Decimal(s)) for part, s in zip(PARTS, scores, strict=True)
    ]


# Radar


def test_radar_is_an_accessible_svg_with_every_value_in_words():
    svg = radar(five_parts("85", "72.25", None, "90", "60"), title="张三 2026 Q1")
    root = parse(svg)

    assert view_box(root) == (0, 0, float(root.get("width")), float(root.get("height")))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "张三 2026 Q1"
    desc = root.find(f"{SVG}desc").text
    assert desc == (
        "知识掌握 85.0; 客户满意度 72.3; 工作效率 no data; 团队协作与沟通 90.0; 综合表现 60.0"
    )
    assert "<script" not in svg and "href" not in svg


def test_radar_draws_rings_axes_and_labels():
    root = parse(radar(five_parts("85", "70", "60", "90", "80")))

    rings = [p for p in root.iter(f"{SVG}polygon") if p.get("class") == "ring"]
    assert len(rings) == 5
    assert [t for t in texts(root) if t.isdigit()] == ["20", "40", "60", "80", "100"]
    assert set(PARTS) <= set(texts(root))
    assert len([line for line in root.iter(f"{SVG}line") if line.get("class") == "axis"]) == 5

    # Beside a table of the scores (a certificate), the rings go unnumbered; all else stays.
    bare = parse(radar(five_parts("85", "70", "60", "90", "80"), ring_labels=False))
    assert [t for t in texts(bare) if t.isdigit()] == []
    assert set(PARTS) <= set(texts(bare))
    assert len([p for p in bare.iter(f"{SVG}polygon") if p.get("class") == "ring"]) == 5


def test_a_score_of_100_lies_on_the_outer_ring_and_0_and_none_at_the_centre():
    root = parse(radar(five_parts("100", "0", None, "50", "100")))
    centre, radius = centre_and_radius(root)

    distances = [math.dist(centre, p) for p in points(polygon(root, "score"))]

    assert distances[0] == pytest.approx(radius, abs=0.2)
    assert distances[4] == pytest.approx(radius, abs=0.2)
    assert distances[1] == pytest.approx(0, abs=0.2)
    assert distances[2] == pytest.approx(0, abs=0.2)
    assert distances[3] == pytest.approx(radius / 2, abs=0.2)


def test_scores_outside_0_to_100_are_clamped():
    root = parse(radar(five_parts("150", "-20", "100", "0", "50")))
    centre, radius = centre_and_radius(root)

    distances = [math.dist(centre, p) for p in points(polygon(root, "score"))]

    assert distances[0] == pytest.approx(radius, abs=0.2)
    assert distances[1] == pytest.approx(0, abs=0.2)
    assert "知识掌握 100.0" in root.find(f"{SVG}desc").text


def test_an_axis_without_data_says_so_in_its_label():
    root = parse(radar(five_parts("80", None, "70", "60", "90"), no_data_label=NO_DATA))

    assert f"客户满意度 ({NO_DATA})" in texts(root)
    assert f"客户满意度 {NO_DATA}" in root.find(f"{SVG}desc").text


def test_the_comparison_is_a_dashed_outline_and_is_read_out_too():
    svg = radar(
        five_parts("80", "70", "60", "90", "100"),
        compare=[Decimal("75"), Decimal("70"), None, Decimal("85"), Decimal("100")],
        compare_label="分部平均",
    )
    root = parse(svg)
    centre, radius = centre_and_radius(root)

    compare = polygon(root, "compare")
    assert compare.get("fill") == "none"
    assert compare.get("stroke-dasharray")
    assert math.dist(centre, points(compare)[4]) == pytest.approx(radius, abs=0.2)
    assert math.dist(centre, points(compare)[2]) == pytest.approx(0, abs=0.2)
    assert "分部平均" in texts(root)
    assert root.find(f"{SVG}desc").text.endswith(
        "分部平均: 知识掌握 75.0; 客户满意度 70.0; 工作效率 no data; 团队协作与沟通 85.0; "
        "综合表现 100.0"
    )


@pytest.mark.parametrize("count", [2, 9])
def test_a_radar_needs_3_to_8_axes(count):
    with pytest.raises(ValueError, match="3 to 8 axes"):
        radar([("x", Decimal(50))] * count)


def test_the_comparison_needs_a_value_per_axis():
    with pytest.raises(ValueError, match="compare has 2 values for 5 axes"):
        radar(five_parts("1", "2", "3", "4", "5"), compare=[Decimal(1), Decimal(2)])


def test_text_is_escaped_and_round_trips():
    axes = [(NASTY, Decimal(50)), ("b", Decimal(60)), ("c", Decimal(70))]
    root = parse(radar(axes, title=NASTY, compare=[None] * 3, compare_label=NASTY))

    assert root.find(f"{SVG}title").text == NASTY
    assert texts(root).count(NASTY) == 2
    assert root.find(f"{SVG}desc").text.startswith(f"{NASTY} 50.0")


def test_characters_xml_cannot_hold_are_dropped():
    root = parse(radar([("a\x00b\x1f", Decimal(1)), ("b", None), ("c", None)]))

    assert "ab" in texts(root)


def test_the_same_input_gives_the_same_svg():
    def draw():
        return radar(five_parts("85", "72.5", None, "90", "60"), compare=[Decimal(70)] * 5)

    assert draw() == draw()


def test_labels_on_the_sides_are_anchored_away_from_the_chart():
    root = parse(radar(five_parts("85", "70", "60", "90", "80")))
    anchors = {t.text: t.get("text-anchor") for t in root.iter(f"{SVG}text")}

    assert anchors["知识掌握"] == "middle"
    assert anchors["客户满意度"] == "start"
    assert anchors["综合表现"] == "end"


scores = st.none() | st.decimals(min_value=0, max_value=100, places=2)


@given(
    values=st.lists(scores, min_size=3, max_size=8),
    labels=st.lists(st.text(max_size=12), min_size=8, max_size=8),
    compare=st.booleans(),
)
def test_any_scores_give_a_chart_whose_polygons_stay_inside_the_view_box(values, labels, compare):
    axes = list(zip(labels, values, strict=False))
    root = parse(radar(axes, compare=values[::-1] if compare else None, compare_label="avg"))
    _, _, width, height = view_box(root)

    for shape in root.iter(f"{SVG}polygon"):
        for x, y in points(shape):
            assert 0 <= x <= width and 0 <= y <= height
    for text in root.iter(f"{SVG}text"):
        assert 0 <= float(text.get("x")) <= width and 0 <= float(text.get("y")) <= height


def test_a_radar_renders_in_a_pdf():
    weasyprint = pytest.importorskip("weasyprint")
    svg = radar(five_parts("85", "70", None, "90", "60"), compare=[Decimal(75)] * 5)

    pdf = weasyprint.HTML(string=f"<html><body>{svg}</body></html>").write_pdf()

    assert pdf.startswith(b"%PDF")


# Histogram


def bar_counts(root):
    return [int(t) for t in texts(root) if t.isdigit()]


def test_histogram_counts_each_score_once_and_100_in_the_last_bin():
    values = [Decimal(v) for v in ["0", "59.99", "60", "75", "80", "89.9", "90", "100"]]
    root = parse(histogram(values, title="知识掌握"))

    assert bar_counts(root) == [2, 1, 1, 2, 2]
    assert root.find(f"{SVG}title").text == "知识掌握"
    assert root.find(f"{SVG}desc").text == (
        "0\u201360: 2; 60\u201370: 1; 70\u201380: 1; 80\u201390: 2; 90\u2013100: 2"
    )
    assert root.get("viewBox") == "0 0 480 200"


def test_histogram_with_bins_of_our_own():
    bins = [(Decimal(0), Decimal("50.5")), (Decimal("50.5"), Decimal(100))]
    root = parse(histogram([Decimal(10), Decimal("50.5"), Decimal(100)], bins=bins))

    assert bar_counts(root) == [1, 2]
    assert "0\u201350.5: 1" in root.find(f"{SVG}desc").text


def test_histogram_of_nothing_has_empty_bars():
    root = parse(histogram([]))

    assert bar_counts(root) == [0, 0, 0, 0, 0]
    assert all(float(r.get("height")) == 0 for r in root.iter(f"{SVG}rect"))


def test_histogram_bins_must_follow_one_another():
    with pytest.raises(ValueError, match="follow one another"):
        histogram([], bins=[(Decimal(0), Decimal(50)), (Decimal(60), Decimal(100))])


@given(st.lists(st.decimals(min_value=-50, max_value=150, places=2), max_size=60))
def test_histogram_counts_add_up(values):
    root = parse(histogram(values))
    _, _, _, height = view_box(root)

    assert sum(bar_counts(root)) == len(values)
    for rect in root.iter(f"{SVG}rect"):
        assert 0 <= float(rect.get("y")) <= float(rect.get("y")) + float(rect.get("height"))
        assert float(rect.get("y")) + float(rect.get("height")) <= height


def test_histogram_is_the_same_twice():
    values = [Decimal(v) for v in ["55", "65", "95"]]

    assert histogram(values, title="x") == histogram(values, title="x")


# Bar list


def test_bar_list_shows_each_row_and_a_dash_without_data():
    rows = [("浦东分部", Decimal("82.45")), ("闵行分部", None), (NASTY, Decimal(120))]
    root = parse(bar_list(rows, title="各分部平均"))

    assert root.find(f"{SVG}title").text == "各分部平均"
    assert root.find(f"{SVG}desc").text == f"浦东分部 82.5; 闵行分部 no data; {NASTY} 100.0"
    assert texts(root) == ["浦东分部", "82.5", "闵行分部", "\u2014", NASTY, "100.0"]
    tracks = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "track"]
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert len(tracks) == 3 and len(bars) == 2
    assert float(bars[1].get("width")) == float(tracks[2].get("width"))
    assert float(bars[0].get("width")) == pytest.approx(
        float(tracks[0].get("width")) * 0.8245, abs=0.1
    )
    _, _, width, height = view_box(root)
    assert width == 480 and height == float(root.get("height"))


def test_bar_list_scales_to_max_value_and_cuts_long_labels():
    rows = [("一个非常非常非常非常非常非常非常非常长的单位名称", Decimal(5))]
    root = parse(bar_list(rows, max_value=10, width=300))

    (track,) = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "track"]
    (bar,) = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert float(bar.get("width")) == pytest.approx(float(track.get("width")) / 2, abs=0.1)
    assert texts(root)[0].endswith("\u2026")
    assert rows[0][0] in root.find(f"{SVG}desc").text


def test_bar_list_is_the_same_twice():
    rows = [("a", Decimal(1)), ("b", None)]

    assert bar_list(rows) == bar_list(rows)
