# ruff: noqa: RUF001, RUF003 (full-width characters, on purpose)
"""The demo training's content as data (courses.demo.learning_content, live_content):
faithful to the manual and written in Chinese punctuation. Pure: no database.

The questions' side of the clause map (each question's clause taught by a lesson) is
in tests/assessments/demo/test_questions.py.
"""

import csv
import io
import re

from hypothesis import given
from hypothesis import strategies as st

from courses.demo import learning_content, live_content
from tests.chinese_text import half_width_marks, texts_in

CLAUSE = re.compile(r"\d+(\.\d+){1,2}")

# A clause number cited in a text: "3.1.2", "（手册 6.3）", "4.1.2、4.1.3".
CITED = re.compile(r"(?<![\d.])\d\.\d+(?:\.\d+)?(?![\d.])")

# The manual's complaint categories (4.2.1).
CATEGORIES = ("服务类投诉", "运输类投诉", "信息类投诉", "其他类投诉")


def lessons():
    return [lesson for course in learning_content.COURSES for lesson in course["lessons"]]


def cited_in(lesson) -> set[str]:
    """The clauses a lesson's body cites: its key rules' and those its text names."""
    cited = set()
    for kind, value in lesson["body"]:
        if kind == "key_rule":
            cited.add(value["clause"])
        cited |= {m.group() for text in texts_in(value) for m in CITED.finditer(text)}
    return cited


def taught() -> set[str]:
    return {clause for lesson in lessons() for clause in lesson["clauses"]}


# The check itself -------------------------------------------------------------------


def test_half_width_marks_next_to_chinese_are_found():
    assert half_width_marks("客户至上,服务第一") == ["客户至上,服务第一"]
    assert half_width_marks("<p>收寄 (手册 3.1.2)。</p>") != []
    assert half_width_marks("<b>优质</b>:说到做到") != []  # judged across the tags
    assert half_width_marks("请问有什么可以帮您?") != []
    assert half_width_marks("最迟 12:00 前上门.") != []
    assert half_width_marks("见手册2.2(5)。") != []
    assert half_width_marks('他说"好的"') != []


def test_numbers_times_english_code_and_addresses_are_left_alone():
    for text in (
        "客户至上，服务第一。",
        "客户预约 14:00 收件：最迟 16:00 前上门。",
        "见手册 3.1.2、4.3.1。",
        "运单 7501 2345 6789，E1001（王喆）",
        "1. 先拍照留证，记录破损情况。",
        "用 Excel, Word 或 WPS 打开。",
        "示范视频：https://media.example.com/a,b.mp4 ，约 3 分钟。",
        '<p>在 <code>settings.py</code> 里设置 <code>LANGUAGE_CODE = "zh-hans"</code>。</p>',
        '<p class="note">“客户至上”</p>',
    ):
        assert half_width_marks(text) == [], text


@given(
    st.text(alphabet=st.characters(codec="ascii", exclude_categories=("Cc",))),
)
def test_text_without_chinese_is_never_wrong(text):
    assert half_width_marks(text) == []


@given(
    st.text(alphabet="客户服务时效", min_size=1),
    st.sampled_from(',:;?!()"'),
    st.text(alphabet="投诉处理", min_size=1),
)
def test_a_half_width_mark_between_chinese_is_always_found(before, mark, after):
    assert half_width_marks(before + mark + after)


# The demo training --------------------------------------------------------------------


def test_lesson_texts_use_chinese_punctuation():
    documents = {}
    for key, (title, name, text) in learning_content.DOCUMENTS.items():
        if name.endswith(".csv"):  # commas part the cells: look inside each cell
            rows = list(csv.reader(io.StringIO(text)))
            assert len({len(row) for row in rows}) == 1, f"{name}: rows of different lengths"
            documents[key] = (title, name, rows)
        else:
            documents[key] = (title, name, text)
    content = [
        learning_content.IMAGES,
        documents,
        learning_content.TRAINING_HOME,
        learning_content.COURSE_INDEX,
        learning_content.ASSIGNMENT_NOTE,
        learning_content.COURSES,
    ]
    wrong = [mark for text in texts_in(content) for mark in half_width_marks(text)]
    assert wrong == []


def test_drills_and_sessions_use_chinese_punctuation():
    content = [
        live_content.LEVELS,
        live_content.DRILL_INDEX,
        live_content.DRILLS,
        live_content.DRAFT_DRILL,
        live_content.SESSIONS,
        live_content.SESSION_DESCRIPTION,
        live_content.DRILL_SESSION_DESCRIPTION,
        live_content.COMMENTS,
        live_content.NOTES,
    ]
    wrong = [mark for text in texts_in(content) for mark in half_width_marks(text)]
    assert wrong == []


def test_every_lesson_says_which_clauses_it_teaches_and_cites_them():
    slugs = [lesson["slug"] for lesson in lessons()]
    assert len(slugs) == len(set(slugs))
    for lesson in lessons():
        clauses = lesson["clauses"]
        assert clauses, lesson["slug"]
        assert all(CLAUSE.fullmatch(clause) for clause in clauses), lesson["slug"]
        missing = set(clauses) - cited_in(lesson)
        assert not missing, f"{lesson['slug']} claims {sorted(missing)} without citing them"


def test_the_lessons_the_manual_asks_for_are_there():
    # 8.1.2's principles, classification and encryption (8.2), the equipment (7.x), and
    # the four stages' labels (起始, 关键, 重要, 最后: chapter 2).
    assert {"8.1.2", "8.2.1", "8.2.2"} <= taught()
    assert {"7.1.1", "7.1.2", "7.1.3", "7.2.1", "7.2.2", "7.2.3", "7.2.4"} <= taught()
    by_slug = {lesson["slug"]: lesson for lesson in lessons()}
    stages = by_slug["four-stages"]
    text = "".join(texts_in(stages["body"]))
    for stage, label in (("下单", "起始"), ("收寄", "关键"), ("运输", "重要"), ("派送", "最后")):
        assert f"{label}环节" in text and stage in text
    assert {"2.1", "2.2", "2.3", "2.4"} <= set(stages["clauses"])
    security = "".join(texts_in(by_slug["classification-and-encryption"]["body"]))
    assert "分类管理" in security and "加密" in security


def test_the_complaint_drill_uses_a_category_of_the_manual():
    drill = live_content.DRILLS["complaint"]
    text = "".join(texts_in(drill))
    assert any(category in text for category in CATEGORIES)
    everything = "".join(
        texts_in([learning_content.COURSES, live_content.DRILLS, live_content.DRAFT_DRILL])
    )
    named = set(re.findall(r"[\u4e00-\u9fff]{2}类投诉", everything))
    named = {name for name in named if name[0] not in "哪这那每各"}  # "哪一类投诉"
    assert named <= set(CATEGORIES)
    assert "时效类" not in everything
