"""The Chinese search text: whatever a lesson says, a piece of it finds it."""

from hypothesis import given
from hypothesis import strategies as st

from lms.platform.search import index_text, query_terms

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
