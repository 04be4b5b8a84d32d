"""The Chinese search text: whatever a lesson says, a piece of it finds it."""

from hypothesis import given
from hypothesis import strategies as st

from lms.platform.search import (
    MARK_CLOSE,
    MARK_OPEN,
    excerpt,
    highlight,
    index_text,
    query_terms,
    title_matches,
)

han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
latin = st.sampled_from("abcXYZ0123456789")
text = st.text(alphabet=st.one_of(han, latin, st.sampled_from(" ,。、:;!?.()\n")), max_size=80)


@given(text, st.data())
def test_every_piece_of_a_text_finds_it(body, data):
    tokens = set(index_text(body).split())
    if not body:
        return
    start = data.draw(st.integers(0, len(body) - 1))
    end = data.draw(st.integers(start + 1, len(body)))
    piece = body[start:end]
    for term in query_terms(piece):
        # A Latin word cut in the middle is not a word of the text; Chinese has no words.
        if term.isascii():
            continue
        assert term in tokens


@given(text)
def test_the_query_terms_of_a_text_are_all_in_its_index(body):
    tokens = set(index_text(body).split())
    assert set(query_terms(body)) <= tokens


def test_known_words():
    tokens = set(index_text("客户投诉处理时效:24小时内回复(手册3.3.4)").split())
    assert {"投诉", "时效", "24", "回复"} <= tokens
    assert query_terms("客户投诉") == ["客户", "户投", "投诉"]
    assert query_terms("火") == ["火"]
    assert query_terms("  ") == []


@given(text, text)
def test_a_highlight_is_the_text_escaped_with_marks_only(body, query):
    import html

    marked = highlight(body, query)
    assert html.unescape(marked.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")) == body
    bare = marked.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")
    assert "<" not in bare and ">" not in bare and '"' not in bare


@given(text, text)
def test_an_excerpt_is_a_piece_of_the_text(body, query):
    piece = excerpt(body, query, 20)
    assert piece.strip("…") in " ".join(body.split())
    assert len(piece) <= 22


def test_marks_and_title_matches():
    assert highlight("客户投诉处理<b>", "投诉处理") == "客户<mark>投诉处理</mark>&lt;b&gt;"
    assert highlight("Fire drill", "FIRE") == "<mark>Fire</mark> drill"
    assert title_matches("投诉处理规范", "投诉 处理") and not title_matches("投诉", "投诉处理")
    assert not title_matches("anything", "  ")
