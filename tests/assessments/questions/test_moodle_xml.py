"""Moodle XML import and export: the format's documented examples, files as Moodle writes
them, round trips with GIFT, and hostile files."""

from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.questions import files, gift, moodle_xml
from assessments.questions.data import (
    Choice,
    MatchPair,
    NumericAnswer,
    Question,
    QuestionType,
    TextFormat,
)
from assessments.questions.moodle_xml import MoodleXmlError, parse, write
from assessments.questions.problems import Limits, QuestionImportError, is_catch_all
from tests.strategies import questions

pytestmark = pytest.mark.usefixtures("english")

INF = D("Infinity")


def problems(data, **kwargs) -> list[tuple[int, str]]:
    with pytest.raises(MoodleXmlError) as caught:
        parse(data, **kwargs)
    return [(p.line, p.message) for p in caught.value.problems]


# As Moodle writes it (its export, and the format's documentation's examples).
MOODLE_FILE = (Path(__file__).parent / "data" / "moodle.xml").read_text(encoding="utf-8")


def test_answers_in_formats_of_their_own_show_as_in_moodle():
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><quiz><question type="multichoice">'
        '<name><text>Q</text></name><questiontext format="moodle_auto_format">'
        "<text>Which one?</text></questiontext>"
        '<generalfeedback format="markdown"><text>See *3.1*.</text></generalfeedback>'
        '<answer fraction="100" format="plain_text"><text>&lt;b&gt;</text>'
        '<feedback format="html"><text>&lt;i&gt;yes&lt;/i&gt;</text></feedback></answer>'
        '<answer fraction="0" format="moodle_auto_format"><text>no</text></answer>'
        "</question></quiz>"
    )
    (q,) = moodle_xml.parse(xml.encode())
    assert q.text_format == TextFormat.HTML
    assert q.general_feedback == "<p>See <em>3.1</em>.</p>"
    assert q.choices == (Choice("&lt;b&gt;", D(1), "<i>yes</i>"), Choice("no", D(0)))


def test_an_empty_answer_is_left_out_as_moodle_leaves_it_out():
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz><question type="multichoice">\n'
        "<questiontext><text>Which?</text></questiontext>\n"
        '<answer fraction="100"><text>a</text></answer>\n'
        '<answer fraction="0"><text> </text><feedback><text>not shown</text></feedback>'
        "</answer>\n"
        '<answer fraction="0"><text>b</text></answer>\n'
        "</question></quiz>"
    )
    parsed = moodle_xml.parse_file(xml.encode())
    assert [c.text for c in parsed.questions[0].choices] == ["a", "b"]
    assert [(p.line, p.message) for p in parsed.skipped] == [
        (5, "Line 5: an empty answer was left out, as Moodle leaves it out.")
    ]


def test_a_file_as_moodle_writes_it():
    parsed = moodle_xml.parse_file(MOODLE_FILE.encode())
    single, multiple, truth, short, numerical, matching, essay = parsed.questions
    assert single == Question(
        QuestionType.SINGLE,
        "<p>上门收寄最长不得超过预约时间后<b>多久</b>?</p>",
        name="收寄时效",
        text_format=TextFormat.HTML,
        general_feedback="手册3.1.2。",
        choices=(
            Choice("2小时", D(1), "对。"),
            Choice("<p>120分钟以内</p>", D("0.5")),
            Choice("24小时", D(0), "这是派送时效。"),
        ),
        category="客户服务知识/投诉处理",
        tags=("时效", "收寄"),
        default_mark=D(2),
        idnumber="SF-3.1.2",
    )
    assert multiple.qtype == QuestionType.MULTIPLE
    assert [c.fraction for c in multiple.choices] == [D("0.5"), D("0.5"), D(-1)]
    assert (truth.correct, truth.true_feedback, truth.false_feedback) == (
        False,
        "42 is the Ultimate Answer.",
        "You gave the right answer.",
    )
    assert short.choices[2] == Choice("*", D(0), "Completely wrong")
    assert numerical.text_format == TextFormat.PLAIN
    assert numerical.numbers == (
        NumericAnswer(D(1), value=D(24)),
        NumericAnswer(D("0.5"), value=D(25), tolerance=D(5), feedback="接近了。"),
        NumericAnswer(D(0), low=-INF, high=INF, feedback="再看看。"),
    )
    assert matching.pairs == (
        MatchPair("Discussions", "Forum"),
        MatchPair("A bank of records", "Database"),
        MatchPair("", "Chat"),
    )
    assert (essay.qtype, essay.text) == (QuestionType.ESSAY, "How are you?")
    assert [p.line for p in parsed.skipped] == [86]
    assert "a description" in parsed.skipped[0].message


def test_gift_and_xml_say_the_same():
    xml_questions = parse(MOODLE_FILE)
    assert gift.parse(gift.write(xml_questions)) == xml_questions
    assert parse(write(xml_questions)) == xml_questions


def test_unknown_types_are_problems_naming_their_line():
    data = MOODLE_FILE.replace('<question type="essay">', '<question type="cloze">')
    assert problems(data) == [
        (
            90,
            "Line 90: Moodle's “cloze” questions can't be imported; the bank holds multiple "
            "choice, true/false, short answer, numerical, matching and essay questions.",
        )
    ]


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ('<question type="numerical"><questiontext><text>Q</text></questiontext>\n'
         '<answer fraction="100"><text>five</text></answer></question>', 2,
         "Line 2: “five” is not a number."),
        ('<question type="multichoice"><questiontext><text>Q</text></questiontext>\n'
         '<answer fraction="abc"><text>a</text></answer></question>', 2,
         "Line 2: the fraction “abc” is not a percentage."),
        ('<question type="multichoice"><questiontext><text>Q</text></questiontext>'
         '<answer fraction="100"><text>a</text></answer></question>', 1,
         "Line 1: A choice question needs at least two answers; this one has 1."),
        ('<question type="essay"><questiontext><text> </text></questiontext></question>', 1,
         "Line 1: The question text is empty."),
        ('<question type="essay"><questiontext><text>Q</text></questiontext>\n'
         "<defaultgrade>lots</defaultgrade></question>", 2, "Line 2: “lots” is not a number."),
    ],
)  # fmt: skip
def test_errors(body, line, message):
    found = problems(f"<quiz>{body}</quiz>")
    assert found[0] == (line, message), found


def test_not_xml_and_not_moodle():
    assert problems(b"<quiz><question>")[0][1].endswith("this is not well-formed XML.")
    assert problems(b"<html></html>") == [(1, "This is not a Moodle XML file: it has no <quiz>.")]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<quiz><question type="essay"><questiontext><text>&lol2;</text></questiontext></question></quiz>
"""


EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="essay"><questiontext><text>&secret;</text></questiontext></question></quiz>
"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL])
def test_doctypes_and_entities_are_refused(data):
    assert problems(data) == [
        (
            0,
            "The file declares a DOCTYPE or entities, which Moodle XML question files never "
            "need; it was not read.",
        )
    ]


def test_limits():
    assert problems(MOODLE_FILE, limits=Limits(questions=7, chars=100_000))[0] == (
        0,
        "The file holds more than 7 questions; split it into smaller files.",
    )
    assert len(parse(MOODLE_FILE, limits=Limits(questions=8, chars=100_000))) == 7
    assert problems(MOODLE_FILE, limits=Limits(chars=100))[0][1].startswith(
        "The file holds more than 100 characters"
    )


def test_files_reads_and_writes_xml():
    assert files.kind_of("bank.XML") == "xml"
    assert files.read("bank.xml", MOODLE_FILE.encode()) == parse(MOODLE_FILE)
    data = files.write(parse(MOODLE_FILE), "xml")
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')


def test_the_note_survives_as_a_comment_moodle_ignores():
    q = Question(QuestionType.ESSAY, "Q?", comment="手册 3.1 -- 见附录 &#45; <b>\n第二行-")
    data = write([q])
    assert b"<!-- note: " in data and b"--\n" not in data.split(b"<!-- note: ")[1][:40]
    assert parse(data) == [q]


# Properties -----------------------------------------------------------------------------


def as_moodle(q: Question) -> Question:
    """What Moodle keeps of a question: a numerical range as a value and its tolerance."""
    if q.qtype != QuestionType.NUMERICAL:
        return q
    numbers = tuple(
        replace(n, value=(n.low + n.high) / 2, tolerance=(n.high - n.low) / 2, low=None, high=None)
        if n.is_range and not is_catch_all(n)
        else n
        for n in q.numbers
    )
    return replace(q, numbers=numbers)


@given(st.lists(questions, min_size=1, max_size=4))
def test_gift_to_data_to_xml_gives_the_same_data(qs):
    from_gift = gift.parse(gift.write(qs))
    assert parse(write(from_gift)) == [as_moodle(q) for q in from_gift]


@given(st.lists(questions, min_size=1, max_size=4))
def test_xml_to_gift_to_xml_gives_the_same_xml(qs):
    xml = write(qs)
    assert write(gift.parse(gift.write(parse(xml)))) == write(parse(xml))
    assert parse(write(parse(xml))) == parse(xml)


xml_tokens = st.sampled_from(
    ["<quiz>", "</quiz>", '<question type="multichoice">', '<question type="truefalse">',
     '<question type="numerical">', '<question type="matching">', '<question type="category">',
     '<question type="description">', '<question type="essay">', "</question>",
     "<questiontext>", "</questiontext>", "<text>", "</text>", '<answer fraction="100">',
     '<answer fraction="x">', "</answer>", "<single>false</single>", "<tolerance>",
     "</tolerance>", "<subquestion>", "</subquestion>", "<!-- note: a -->", "&amp;", "&lt;",
     "<![CDATA[<b>]]>", "*", "5", "true", "false", "<!DOCTYPE x>", "<category>", "</category>",
     "$course$/top/a", "<tags><tag><text>t</text></tag></tags>", "<idnumber>i</idnumber>"]
)  # fmt: skip
xml_like = st.lists(st.one_of(xml_tokens, st.text(max_size=3)), max_size=40).map("".join)


@given(st.one_of(st.binary(), st.text(), xml_like))
def test_parse_raises_nothing_but_its_error(data):
    try:
        found = parse(data)
    except MoodleXmlError as error:
        assert isinstance(error, QuestionImportError)
        assert error.problems and all(p.message for p in error.problems)
    else:
        assert parse(write(found)) == [as_moodle(q) for q in found]
