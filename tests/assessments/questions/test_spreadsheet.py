# ruff: noqa: RUF001 (full-width characters, on purpose)
"""The CSV/XLSX question table: the templates, every way of writing a key, the
encodings Excel saves in, errors with their row and column, and round trips."""

import codecs
import csv as csv_module
import datetime
import io
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.questions.data import (
    Choice,
    MatchPair,
    NumericAnswer,
    Question,
    QuestionType,
    TextFormat,
)
from assessments.questions.problems import Limits, QuestionImportError
from assessments.questions.spreadsheet import (
    TableError,
    parse_csv,
    parse_xlsx,
    shares,
    template_csv,
    template_xlsx,
    write_csv,
    write_xlsx,
)
from tests.factories import xlsx
from tests.strategies import questions

DATA = Path(__file__).parent / "data"
INF = D("Infinity")
HEADER_ZH = "类型,分类,标题,题目,格式,A,B,C,D,E,F,G,H,答案,解析,标签,分值"
HEADER_EN = "type,category,name,question,format,A,B,C,D,E,F,G,H,answer,feedback,tags,mark"


pytestmark = pytest.mark.usefixtures("english")


def csv(*lines: str, encoding="utf-8") -> bytes:
    return "\r\n".join(lines).encode(encoding)


def one(*lines: str) -> Question:
    questions = parse_csv(csv(*lines))
    assert len(questions) == 1, questions
    return questions[0]


def problems(data: bytes, parser=parse_csv) -> list[tuple[int, str, str]]:
    with pytest.raises(TableError) as caught:
        parser(data)
    return [(p.line, p.column, p.message) for p in caught.value.problems]


# Templates ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh", "en", "zh-hans"])
def test_templates_read_back_as_their_examples(language):
    data = template_csv(language)
    assert data.startswith(codecs.BOM_UTF8)
    header = data.decode("utf-8-sig").splitlines()[0]
    assert header == (HEADER_EN if language == "en" else HEADER_ZH)
    questions = parse_csv(data)
    assert [q.qtype for q in questions] == [
        QuestionType.SINGLE,
        QuestionType.MULTIPLE,
        QuestionType.TRUE_FALSE,
    ]
    assert parse_xlsx(template_xlsx(language)) == questions


def test_chinese_template_rows():
    lines = template_csv("zh").decode("utf-8-sig").splitlines()
    assert len(lines) == 4
    assert lines[1].startswith("单选,客户服务知识/服务时效,3.1.2 上门收寄时效,")
    assert lines[1].endswith(
        ",B,手册 3.1.2：在客户预约时间内上门，最迟不超过预约时间后 2 小时。,服务时效，收寄,1"
    )
    assert ',"A,B,C,D",' in lines[2]
    assert lines[3].startswith("判断,") and ",错," in lines[3]


def test_xlsx_template_is_text_with_a_bold_header():
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx("zh")))
    sheet = workbook.active
    assert sheet.title == "题目"
    assert [c.value for c in sheet[1]] == HEADER_ZH.split(",")
    assert sheet["A1"].font.bold
    assert all(c.data_type == "s" for row in sheet.iter_rows(min_row=2) for c in row if c.value)


# Reading: encodings and separators --------------------------------------------------


def test_gb18030_file_as_chinese_excel_saves_it():
    questions = parse_csv((DATA / "questions_gb18030.csv").read_bytes())
    assert [q.qtype for q in questions] == [
        QuestionType.SINGLE,
        QuestionType.MULTIPLE,
        QuestionType.TRUE_FALSE,
        QuestionType.SHORT,
        QuestionType.NUMERICAL,
        QuestionType.MATCHING,
        QuestionType.ESSAY,
    ]
    single, multiple, true_false, short, numerical, matching, essay = questions
    assert single.name == "3.1.2 上门收寄"
    assert single.text == "客户预约上门收件后，快递员最迟应在预约时间后几小时内上门？"
    assert [c.fraction for c in single.choices] == [0, 1, 0, 0]
    assert single.tags == ("服务时效", "收寄")
    assert [c.fraction for c in multiple.choices] == [D("0.25")] * 4
    assert multiple.default_mark == 2
    assert true_false.correct is True
    assert short.choices == (Choice("5", D(1)), Choice("五", D(1)), Choice("五分钟", D("0.5")))
    assert numerical.numbers == (
        NumericAnswer(D(1), value=D(2)),
        NumericAnswer(D("0.5"), low=D(1), high=D(3)),
    )
    assert matching.pairs[-1] == MatchPair("", "提高运费")
    assert essay.text == "请用三句话说明\n你如何处理一起服务类投诉。"
    assert essay.default_mark == 5


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.encode("gb18030"),
        lambda text: text.encode("utf-16"),  # Excel's "Unicode text", with its BOM
    ],
    ids=["utf-8", "utf-8 with BOM", "gb18030", "utf-16"],
)
def test_encodings_are_detected(encode):
    text = "题目,类型,答案\r\n快件派送时效是 24 小时。,判断,对\r\n"
    (q,) = parse_csv(encode(text))
    assert (q.text, q.correct) == ("快件派送时效是 24 小时。", True)


@pytest.mark.parametrize("separator", [",", "\t", ";"])
def test_separators_are_detected(separator):
    data = separator.join(["type", "question", "answer"]) + "\n"
    data += separator.join(["truefalse", "Scan at pickup, always.", "true"]) + "\n"
    data = data.replace("Scan at pickup, always.", '"Scan at pickup, always."')
    (q,) = parse_csv(data.encode())
    assert q.text == "Scan at pickup, always."


def test_not_text():
    assert problems(b"\x81\x30\xff\xfe\x00") == [
        (
            0,
            "",
            "The file is not UTF-8 or GB18030 text. In Excel, save it as “CSV UTF-8” or “CSV "
            "(comma delimited)”.",
        )
    ]


def test_not_a_workbook():
    assert problems(b"PK\x03\x04 nonsense", parse_xlsx) == [
        (0, "", "The file is not an Excel workbook (.xlsx).")
    ]


def test_empty_files_have_no_questions():
    assert parse_csv(b"") == []
    assert parse_csv(HEADER_ZH.encode()) == []
    assert parse_xlsx(xlsx([])) == []


# Reading: columns ----------------------------------------------------------------------


def test_headers_in_either_language_any_order_and_aliases():
    q = one(
        "答案, Question ,题型,选项A,Option B,c,B反馈,feedback A,分 值,标签,备注,格式",
        "A,Which?,单选题,yes,no,maybe,no!,yes!,3,a、b；c,for trainers,HTML",
    )
    assert q.qtype == QuestionType.SINGLE
    assert q.choices == (
        Choice("yes", D(1), "yes!"),
        Choice("no", D(0), "no!"),
        Choice("maybe", D(0)),
    )
    assert (q.default_mark, q.tags, q.comment) == (D(3), ("a", "b", "c"), "for trainers")
    assert q.text_format == TextFormat.HTML


def test_header_after_blank_rows_and_row_numbers_as_excel_shows_them():
    data = csv(",,", "", "type,question,answer", "truefalse,Q?,maybe")
    assert problems(data) == [
        (
            4,
            "answer",
            "Row 4, column “answer”: “maybe” is neither true nor false; write 对 or 错 "
            "(true or false).",
        )
    ]


def test_column_problems():
    data = csv("类型,题目,答按,题干,,备注", "判断,Q?,对,again,x,")
    assert problems(data) == [
        (1, "答按", "Row 1, column “答按”: “答按” is not a column of the template."),
        (1, "题干", "Row 1, column “题干”: “题干” is the same column as “题目”."),
    ]
    assert problems(csv("分类,答案", "a,b")) == [
        (1, "", "Row 1: there is no “类型” (type) column; the first row names the columns."),
        (1, "", "Row 1: there is no “题目” (question) column; the first row names the columns."),
    ]
    assert problems(csv("类型,题目,答案,", "判断,Q?,对,stray")) == [
        (2, "", "Row 2: “stray” is in a column with no name in the first row.")
    ]


# Reading: every type ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "fractions"),
    [
        ("B", [0, 1, 0]),
        ("b", [0, 1, 0]),
        (" B ", [0, 1, 0]),
        ("B,A:50", [D("0.5"), 1, 0]),
        ("B，C：-25%", [0, 1, D("-0.25")]),
        ("A,B", [1, 1, 0]),
    ],
)
def test_single_choice_keys(key, fractions):
    q = one("type,question,A,B,C,answer", f'single,Q?,x,y,z,"{key}"')
    assert [c.fraction for c in q.choices] == fractions


@pytest.mark.parametrize(
    ("key", "fractions"),
    [
        ("AC", [D("0.5"), 0, D("0.5")]),
        ("A,C", [D("0.5"), 0, D("0.5")]),
        ("A、C", [D("0.5"), 0, D("0.5")]),
        ("A C", [D("0.5"), 0, D("0.5")]),
        ("ABC", [D("0.3333334"), D("0.3333333"), D("0.3333333")]),
        ("A:50,C:50,B:-100", [D("0.5"), -1, D("0.5")]),
        ("A,C,B:-100", [D("0.5"), -1, D("0.5")]),
        ("A=70;C=30", [D("0.7"), 0, D("0.3")]),
    ],
)
def test_multiple_choice_keys(key, fractions):
    q = one("type,question,A,B,C,answer", f'多选,Q?,x,y,z,"{key}"')
    assert [c.fraction for c in q.choices] == fractions


def test_shares_add_up_to_exactly_one():
    for count in range(1, 27):
        assert sum(shares(count)) == 1
    assert shares(4) == [D("0.25")] * 4


@pytest.mark.parametrize("word", ["对", "正确", "√", "true", "T", "是", "ＴＲＵＥ", "TRUE"])
def test_true(word):
    assert one("类型,题目,答案", f"判断,Q?,{word}").correct is True


@pytest.mark.parametrize("word", ["错", "错误", "×", "false", "F", "否", "x"])
def test_false(word):
    assert one("类型,题目,答案", f"判断,Q?,{word}").correct is False


def test_true_false_feedback():
    q = one(
        "type,question,answer,true feedback,false feedback",
        "truefalse,Q?,false,Not so.,Right.",
    )
    assert (q.correct, q.true_feedback, q.false_feedback) == (False, "Not so.", "Right.")
    q = one("类型,题目,答案,选“对”反馈,选错反馈", "判断,Q?,对,对了,错了")
    assert (q.true_feedback, q.false_feedback) == ("对了", "错了")


def test_short_answers_in_columns_with_weights_and_feedback():
    q = one(
        "type,question,A,B,C,answer,A feedback,C feedback",
        'short,Q?,two hours,2 hours,*,"B:50,C:0",Good.,No.',
    )
    assert q.choices == (
        Choice("two hours", D(1), "Good."),
        Choice("2 hours", D("0.5")),
        Choice("*", D(0), "No."),
    )


def test_short_answers_listed_in_the_answer_column():
    q = one("类型,题目,答案", r"填空,Q?,2小时 | 两小时 | %50% 2 | a\|b")
    assert q.choices == (
        Choice("2小时", D(1)),
        Choice("两小时", D(1)),
        Choice("2", D("0.5")),
        Choice("a|b", D(1)),
    )


@pytest.mark.parametrize(
    ("spec", "number"),
    [
        ("5", NumericAnswer(D(1), value=D(5))),
        ("５", NumericAnswer(D(1), value=D(5))),
        ("5:0.5", NumericAnswer(D(1), value=D(5), tolerance=D("0.5"))),
        ("5±0.5", NumericAnswer(D(1), value=D(5), tolerance=D("0.5"))),
        ("5：0.5", NumericAnswer(D(1), value=D(5), tolerance=D("0.5"))),
        ("4..6", NumericAnswer(D(1), low=D(4), high=D(6))),
        ("4~6", NumericAnswer(D(1), low=D(4), high=D(6))),
        ("-6..-4", NumericAnswer(D(1), low=D(-6), high=D(-4))),
        ("1.5e3", NumericAnswer(D(1), value=D(1500))),
    ],
)
def test_numbers(spec, number):
    assert one("type,question,A", f"numerical,Q?,{spec}").numbers == (number,)
    assert one("type,question,answer", f"numerical,Q?,{spec}").numbers == (number,)


def test_any_other_number():
    q = one("类型,题目,A,B,答案,B反馈", "数值,Q?,24,*,B:0,不对")
    assert q.numbers == (
        NumericAnswer(D(1), value=D(24)),
        NumericAnswer(D(0), low=-INF, high=INF, feedback="不对"),
    )
    assert problems(csv("类型,题目,A", "数值,Q?,*"))[0][2] == (
        "Row 2: A numerical question needs at least one accepted number."
    )


def test_numbers_with_weights_and_feedback():
    q = one("类型,题目,A,B,答案,B反馈", "数值,Q?,24,20..28,B:50,接近")
    assert q.numbers == (
        NumericAnswer(D(1), value=D(24)),
        NumericAnswer(D("0.5"), low=D(20), high=D(28), feedback="接近"),
    )
    q = one("类型,题目,答案", "数值,Q?,24|%50%20..28")
    assert [n.fraction for n in q.numbers] == [1, D("0.5")]


def test_matching():
    q = one(
        "类型,题目,A,B,C,D",
        "匹配,Q?,服务类 -> 培训、整改,运输类->赔偿,-> 提高运费,信息类 -> a -> b",
    )
    assert q.pairs == (
        MatchPair("服务类", "培训、整改"),
        MatchPair("运输类", "赔偿"),
        MatchPair("", "提高运费"),
        MatchPair("信息类", "a -> b"),
    )


def test_essay():
    q = one("类型,题目,解析,分值", "问答,如何处理投诉?,先致歉。,5")
    assert (q.qtype, q.general_feedback, q.default_mark) == (QuestionType.ESSAY, "先致歉。", 5)


def test_category_is_a_clean_path():
    q = one("类型,题目,答案,分类", "判断,Q?,对, $course$/top/客户服务知识 / 投诉处理 ")
    assert q.category == "客户服务知识/投诉处理"


# Reading: XLSX cells -----------------------------------------------------------------


def test_xlsx_cells_excel_turned_into_numbers_booleans_and_times():
    data = xlsx(
        [
            ["类型", "题目", "A", "B", "答案", "分值"],
            ["数值", "几小时?", 2, 0.5, "B:50", 1.5],
            ["判断", "对吗?", None, None, True, None],
            ["数值", "几点?", datetime.time(5, 30), None, None, 2],
            [None, None, None, None, None, None],
        ]
    )
    first, second, third = parse_xlsx(data)
    assert first.numbers == (
        NumericAnswer(D(1), value=D(2)),
        NumericAnswer(D("0.5"), value=D("0.5")),
    )
    assert first.default_mark == D("1.5")
    assert second.correct is True
    assert third.numbers == (NumericAnswer(D(1), value=D(5), tolerance=D(30)),)


def test_xlsx_problems_name_row_and_column():
    data = xlsx([["题型", "题目", "答案"], ["单选", "Q?", "A"], ["填空", "", None]])
    assert problems(data, parse_xlsx) == [
        (
            2,
            "答案",
            "Row 2, column “答案”: a choice question needs its answers in columns A, B, …",
        ),
        (3, "题目", "Row 3, column “题目”: the question text is empty."),
        (
            3,
            "",
            "Row 3: there are no accepted answers: put each in a column A, B, …, or all in "
            "“答案” (answer) separated by |.",
        ),
    ]


def test_xlsx_rows_are_numbered_as_excel_numbers_them():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["C3"], sheet["D3"], sheet["E3"] = "类型", "题目", "答案"
    sheet["C5"], sheet["D5"], sheet["E5"] = "判断", "Q?", "也许"
    out = io.BytesIO()
    workbook.save(out)
    assert [(line, column) for line, column, _m in problems(out.getvalue(), parse_xlsx)] == [
        (5, "答案")
    ]


def test_xlsx_strings_that_look_like_formulas_stay_text():
    q = Question(
        QuestionType.SHORT, "=SUM(A1)?", choices=(Choice("=1+1", D(1)), Choice("001", D(1)))
    )
    assert parse_xlsx(write_xlsx([q])) == [q]


# Errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ["类型,题目", "单选题x,Q?"],
            (
                2,
                "类型",
                "Row 2, column “类型”: “单选题x” is not a question type; use 单选, 多选, 判断, "
                "填空, 数值, 匹配 or 问答 (single, multiple, truefalse, short, numerical, "
                "matching, essay).",
            ),
        ),
        (["类型,题目", ",Q?"], (2, "类型", "Row 2, column “类型”: the question type is missing.")),
        (
            ["type,question,format,answer", "truefalse,Q?,rtf,true"],
            (
                2,
                "format",
                "Row 2, column “format”: “rtf” is not a text format; use moodle, html, markdown "
                "or plain, or leave it empty.",
            ),
        ),
        (
            ["type,question,answer,mark", "truefalse,Q?,true,two"],
            (
                2,
                "mark",
                "Row 2, column “mark”: “two” is not a mark; write a number such as 1 or 2.5.",
            ),
        ),
        (
            ["type,question,answer,mark", "truefalse,Q?,true,0"],
            (2, "", "Row 2: The mark must be a positive number below 10000 with at most two "),
        ),
        (
            ["类型,题目,A,B", "单选,Q?,x,y"],
            (
                2,
                "题目",
                "Row 2, column “题目”: the right answer is missing: write its letter in “答案” "
                "(answer), such as A.",
            ),
        ),
        (
            ["类型,题目,A,B,答案", "单选,Q?,x,y,C"],
            (2, "答案", "Row 2, column “答案”: answer C is named but empty."),
        ),
        (
            ["类型,题目,A,B,答案", "多选,Q?,x,y,A:50;A:50"],
            (2, "答案", "Row 2, column “答案”: answer A is named twice."),
        ),
        (
            ["类型,题目,A,B,答案", "多选,Q?,x,y,A:150"],
            (
                2,
                "答案",
                "Row 2, column “答案”: the weight 150% of answer A is outside -100 to 100.",
            ),
        ),
        (
            ["类型,题目,A,B,答案", "多选,Q?,x,y,A+B"],
            (2, "答案", "Row 2, column “答案”: “A+B” can't be read: write answer letters such as"),
        ),
        (
            ["类型,题目,A,B,C,答案", "多选,Q?,x,y,z,A:50,B:30"],
            (2, "", "Row 2: The positive weights of a multiple-choice question must add up to "),
        ),
        (
            ["类型,题目,A,B,答案", "数值,Q?,5,five,"],
            (2, "B", "Row 2, column “B”: “five” is not a number: write 5, 5:0.5 (give or take"),
        ),
        (
            ["类型,题目,A", "数值,Q?,6..4"],
            (2, "", "Row 2: The range of answer 1 starts above where it ends."),
        ),
        (
            ["类型,题目,答案", "填空,Q?,a||b"],
            (2, "答案", "Row 2, column “答案”: an answer between | and | is empty."),
        ),
        (
            ["类型,题目,A,B,C", "匹配,Q?,a -> 1,b -> 2,c 3"],
            (2, "C", "Row 2, column “C”: “c 3” is not a pair: write prompt -> answer."),
        ),
        (
            ["类型,题目,A,B", "匹配,Q?,a -> 1,-> 2"],
            (2, "", "Row 2: A matching question needs at least 2 pairs with a prompt"),
        ),
        (
            ["类型,题目,A,答案", "判断,Q?,x,对"],
            (2, "A", "Row 2, column “A”: this type of question takes nothing in this column."),
        ),
        (
            ["类型,题目,答案", "问答,Q?,参考答案"],
            (
                2,
                "答案",
                "Row 2, column “答案”: this type of question takes nothing in this column.",
            ),
        ),
        (
            ["类型,题目,A,B,答案,C反馈", "单选,Q?,x,y,A,why"],
            (
                2,
                "C反馈",
                "Row 2, column “C反馈”: there is feedback for answer C, but no answer C.",
            ),
        ),
        (
            ["类型,题目,答案,标签", "判断,Q?,对,a<1>"],
            (2, "", "Row 2: The tag “a<1>” is empty or holds a separator"),
        ),
        (
            ["类型,题目", "判断,Q?"],
            (2, "", "Row 2: a true/false question needs an “答案” (answer) column."),
        ),
    ],
)
def test_errors(lines, expected):
    found = problems(csv(*lines))
    assert found[0][:2] == expected[:2], found
    assert found[0][2].startswith(expected[2]), found


def test_every_row_is_checked_and_nothing_imported():
    data = csv("类型,题目,答案", "判断,Q1,对", "判断,Q2,也许", "判断,Q3,错", "单选,Q4,A")
    assert [(line, column) for line, column, _m in problems(data)] == [(3, "答案"), (5, "答案")]


def test_table_error_is_the_shared_import_error():
    with pytest.raises(QuestionImportError):
        parse_csv(csv("类型,题目", "?,Q"))


def test_too_many_answers_for_the_table():
    q = Question(QuestionType.SHORT, "Q?", choices=tuple(Choice(str(i), D(1)) for i in range(27)))
    with pytest.raises(ValueError, match="26 answers at most"):
        write_csv([q])


# Writing and round trips ----------------------------------------------------------------


def test_write_csv_in_english_with_optional_columns():
    q = Question(
        QuestionType.SINGLE,
        "Which?",
        choices=(Choice("x", D(1), "yes"), Choice("y", D("0.5")), Choice("z", D(0), "no")),
        comment="note",
        text_format=TextFormat.MARKDOWN,
    )
    text = write_csv([q], "en").decode("utf-8-sig")
    assert text.splitlines() == [
        HEADER_EN + ",A feedback,C feedback,comment",
        'single,,,Which?,markdown,x,y,z,,,,,,"A,B:50",,,1,yes,no,note',
    ]
    assert parse_csv(text.encode()) == [q]


def test_write_multiple_choice_keys():
    def key(*fractions):
        q = Question(
            QuestionType.MULTIPLE,
            "Q?",
            choices=tuple(Choice(str(i), D(f)) for i, f in enumerate(fractions)),
        )
        row = write_csv([q], "en").decode("utf-8-sig").splitlines()[1]
        assert parse_csv(write_csv([q])) == [q]
        return row.split(",1,")[0].rsplit(",", 1)[-1] if '"' not in row else row.split('"')[1]

    assert key("0.5", "0", "0.5") == "A,C"
    assert key("0.3333334", "0.3333333", "0.3333333") == "A,B,C"
    assert key("0.5", "-1", "0.5") == "A,B:-100,C"
    assert key("0.7", "0.3") == "A:70,B:30"


@given(st.lists(questions, min_size=1, max_size=4), st.sampled_from(["zh", "en"]))
def test_csv_round_trip(qs, language):
    assert parse_csv(write_csv(qs, language)) == qs


@given(st.lists(questions, min_size=1, max_size=3))
def test_csv_round_trip_through_gb18030(qs):
    text = write_csv(qs).decode("utf-8-sig")
    try:
        data = text.encode("gb18030")
    except UnicodeEncodeError:
        return
    assert parse_csv(data) == qs


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(questions, min_size=1, max_size=4), st.sampled_from(["zh", "en"]))
def test_xlsx_round_trip(qs, language):
    assert parse_xlsx(write_xlsx(qs, language)) == qs


@given(st.binary())
def test_parse_csv_raises_nothing_but_table_error(data):
    try:
        parse_csv(data)
    except TableError as error:
        assert error.problems


table_cells = st.sampled_from(
    ["类型", "题目", "答案", "A", "B", "单选", "多选", "判断", "数值", "匹配", "填空", "问答",
     "对", "A,B", "A:50", "5:1", "->", "a -> b", "*", "|", "", "x", "%50%", "分值", "2"]
)  # fmt: skip


@given(st.lists(st.lists(st.one_of(table_cells, st.text(max_size=4)), max_size=8), max_size=6))
def test_parse_rows_raises_nothing_but_table_error(rows):
    import csv as csv_module

    out = io.StringIO()
    csv_module.writer(out).writerows(rows)
    try:
        parse_csv(out.getvalue().encode())
    except TableError as error:
        assert error.problems


# Formulas, ID numbers, bounds -----------------------------------------------------------------


FORMULA = Question(
    QuestionType.SHORT,
    '=HYPERLINK("http://evil.example","点我")',
    name="+1 title",
    choices=(Choice("-5", D(1)), Choice("@SUM(A1)", D("0.5")), Choice("'=kept", D(1))),
    general_feedback="\t=1+1",
    comment="-note",
)


def test_csv_export_writes_no_formula_and_reads_back_the_same():
    rows = list(csv_module.reader(io.StringIO(write_csv([FORMULA], "en").decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row if cell]
    assert '\'=HYPERLINK("http://evil.example","点我")' in cells
    assert {"'+1 title", "'-5", "'@SUM(A1)", "''=kept", "'-note"} <= set(cells)
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert parse_csv(write_csv([FORMULA])) == [FORMULA]


def test_xlsx_export_writes_no_formula_and_reads_back_the_same():
    sheet = openpyxl.load_workbook(io.BytesIO(write_xlsx([FORMULA], "en"))).active
    values = [c.value for row in sheet.iter_rows(min_row=2) for c in row if c.value]
    assert '\'=HYPERLINK("http://evil.example","点我")' in values
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value)
    assert not [v for v in values if str(v).startswith(("=", "+", "-", "@", "\t", "\r"))]
    (back,) = parse_xlsx(write_xlsx([FORMULA]))
    assert (back.text, back.name, back.choices) == (FORMULA.text, FORMULA.name, FORMULA.choices)


def test_id_numbers_have_a_column_of_their_own():
    q = Question(QuestionType.TRUE_FALSE, "Q?", correct=True, idnumber="SF-12")
    text = write_csv([q], "zh").decode("utf-8-sig")
    assert text.splitlines()[0].endswith(",ID号")
    assert parse_csv(write_csv([q], "en")) == [q]
    assert parse_csv(b"type,question,answer,id number\ntruefalse,Q?,true,SF-12\n") == [q]


def test_a_table_over_the_row_limit_is_refused():
    limits = Limits(questions=2, chars=10_000)
    data = "type,question,answer\n" + "truefalse,Q?,true\n" * 3
    with pytest.raises(TableError) as caught:
        parse_csv(data.encode(), limits=limits)
    assert [p.message for p in caught.value.problems] == [
        "The file holds more than 2 questions; split it into smaller files."
    ]
    assert len(parse_csv(("type,question,answer\n" + "truefalse,Q?,true\n" * 2).encode(),
                         limits=limits)) == 2  # fmt: skip
    with pytest.raises(TableError) as caught:
        parse_xlsx(xlsx([["type", "question", "answer"], *[["truefalse", "Q?", "true"]] * 3]),
                   limits=limits)  # fmt: skip
    assert caught.value.problems[0].line == 0


def test_a_table_over_the_character_limit_is_refused():
    limits = Limits(questions=100, chars=30)
    data = "type,question,answer\n" + "truefalse,Q?,true\n" * 3
    with pytest.raises(TableError) as caught:
        parse_csv(data.encode(), limits=limits)
    assert caught.value.problems[0].message.startswith("The file holds more than 30 characters")
    with pytest.raises(TableError):
        parse_xlsx(xlsx([["type", "question", "answer"], *[["truefalse", "Q?", "true"]] * 3]),
                   limits=limits)  # fmt: skip
