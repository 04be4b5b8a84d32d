"""The masked name on the public verification page, and reading a typed code: pure functions,
hammered with hypothesis."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.certificates import services
from assessments.certificates.verification import (
    CODE_ALPHABET,
    CODE_GROUP,
    CODE_LENGTH,
    MASK,
    NAME_SEPARATORS,
    group_code,
    is_valid_code,
    mask_name,
    normalise_code,
)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张伟", "张*"),
        ("王喆", "王*"),
        ("张三伟", "张*伟"),
        ("欧阳修远", "欧**远"),
        ("刘䶮", "刘*"),  # CJK extension A
        ("𠮷野家", "𠮷*家"),  # outside the BMP: one letter, not two
        ("李𠀾𠀾", "李*𠀾"),
        ("伟", "*"),  # never a whole name
        ("买买提·艾力", "买**·*力"),
        ("Wang Zhe", "W*** **e"),
        ("  Wang   Zhe ", "W*** **e"),
        ("Jo", "J*"),
        ("Mary-Jane O'Neil", "M***-**** *'***l"),
        ("", ""),
        ("   ", ""),
        ("·", ""),
    ],
)
def test_masked_names(name, masked):
    assert mask_name(name) == masked


def letters_of(text: str) -> list[str]:
    return [ch for ch in text if ch not in NAME_SEPARATORS]


names = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters="*"
    ),
    max_size=40,
)


@given(names)
def test_a_masked_name_shows_at_most_its_first_and_last_letters(name):
    text = " ".join(unicodedata.normalize("NFC", name).split())
    masked = mask_name(name)
    letters = letters_of(text)
    shown = [ch for ch in letters_of(masked) if ch != MASK]
    if not letters:
        assert masked == ""
        return
    # Same shape: one character for one, the separators where they were.
    assert len(masked) == len(text)
    for original, out in zip(text, masked, strict=True):
        assert out in (original, MASK)
        if original in NAME_SEPARATORS:
            assert out == original
    # At most the first and the last letter, and never every letter.
    assert len(shown) <= 2
    assert len(shown) < len(letters)
    assert letters_of(masked)[0] in (letters[0], MASK)
    if len(shown) == 2:
        assert shown == [letters[0], letters[-1]]
    # The middle is always masked.
    assert all(ch == MASK for ch in letters_of(masked)[1:-1])


@given(st.lists(st.characters(codec="utf-8", categories=("Lo",)), min_size=1, max_size=12))
def test_chinese_names_keep_their_first_letter_and_the_last_from_three(chars):
    name = unicodedata.normalize("NFC", "".join(chars))
    if any(ch in NAME_SEPARATORS for ch in name) or len(name) != len(chars):
        return
    masked = mask_name(name)
    assert masked[0] == (name[0] if len(name) > 1 else MASK)
    if len(name) >= 3:
        assert masked[-1] == name[-1]
        assert masked[1:-1] == MASK * (len(name) - 2)


codes = st.text(alphabet=CODE_ALPHABET, min_size=CODE_LENGTH, max_size=CODE_LENGTH)


@given(codes, st.sampled_from(["", "-", " ", "  ", " - "]), st.booleans())
def test_a_code_is_read_however_it_is_typed(code, separator, lower):
    typed = separator.join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))
    if lower:
        typed = typed.lower()
    assert normalise_code(f"  {typed} ") == code
    assert is_valid_code(normalise_code(typed))
    assert normalise_code(group_code(code)) == code
    assert group_code(code).count("-") == CODE_LENGTH // CODE_GROUP - 1


def test_misread_letters_are_read_as_crockford_reads_them():
    assert normalise_code("oooo-iiii-llll-0000") == "0000111111110000"
    full_width = "\uff21\uff22\uff23\uff24\uff0d\uff25\uff26\uff27\uff28"  # a Chinese keyboard's
    assert normalise_code(full_width) == "ABCDEFGH"


@given(st.text(max_size=80))
def test_anything_typed_gives_letters_of_the_alphabet_or_nothing(text):
    letters = normalise_code(text)
    assert len(letters) <= 64
    assert all(ch.isascii() and (ch.isupper() or ch.isdigit()) for ch in letters)
    assert is_valid_code(letters) == (
        len(letters) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in letters)
    )


def test_the_alphabet_is_the_issuing_services():
    """The codes this page reads are the ones `assessments.certificates` draws."""
    assert CODE_ALPHABET == services.CODE_ALPHABET
    assert CODE_LENGTH == services.CODE_LENGTH
    for _ in range(20):
        code = services.new_code()
        assert is_valid_code(normalise_code(code))
        assert normalise_code(group_code(code)) == code
