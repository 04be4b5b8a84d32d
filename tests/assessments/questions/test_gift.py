# ruff: noqa: RUF001 (full-width characters, on purpose)
"""GIFT import and export: Moodle's unit tests and fixtures (question/format/gift/tests),
its documentation's examples, the courier manual, and every kind of error."""

from decimal import Decimal as D
from pathlib import Path

import pytest
from django.utils import translation

from assessments.questions import gift
from assessments.questions.data import (
    Choice,
    MatchPair,
    NumericAnswer,
    Question,
    QuestionType,
    TextFormat,
)
from assessments.questions.gift import GiftError, parse, parse_file, write
from assessments.questions.problems import QuestionImportError

DATA = Path(__file__).parent / "data"
INF = D("Infinity")


pytestmark = pytest.mark.usefixtures("english")


def one(text: str) -> Question:
    questions = parse(text)
    assert len(questions) == 1, questions
    return questions[0]


def problems(text) -> list[tuple[int, str]]:
    with pytest.raises(GiftError) as caught:
        parse(text)
    return [(p.line, p.message) for p in caught.value.problems]


# Moodle's unit tests (giftformat_test.php), case by case ------------------------------


def test_import_essay():
    q = one("\n// essay\n::Q8:: How are you? {}")
    assert q == Question(QuestionType.ESSAY, "How are you?", name="Q8", comment="essay")


def test_import_match_with_formats_and_a_distractor():
    q = one(
        "\n// question: 2  name: Moodle activities\n"
        "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
        "    =[html]An activity supporting asynchronous discussions. -> Forum\n"
        "    =[moodle]A teacher asks a question. -> Choice\n"
        "    =[plain]A bank of record entries. -> Database\n"
        "    =[markdown]A collection of web pages. -> Wiki\n"
        "    = -> Chat\n"
        "}"
    )
    assert q.qtype == QuestionType.MATCHING
    assert q.name == "Moodle activities"
    assert q.text == "Match the <b>activity</b> to the description."
    assert q.text_format == TextFormat.HTML
    assert q.pairs == (
        MatchPair("An activity supporting asynchronous discussions.", "Forum"),
        MatchPair("A teacher asks a question.", "Choice"),
        MatchPair("A bank of record entries.", "Database"),
        MatchPair("<p>A collection of web pages.</p>", "Wiki"),  # Markdown, shown as Moodle does
        MatchPair("", "Chat"),
    )
    assert q.comment == ""  # Moodle's own export header is not a comment worth keeping


def test_import_multichoice_with_feedback_and_answer_formats():
    q = one(
        "// multiple choice with specified feedback for right and wrong answers\n"
        "::Q2:: What's between orange and green in the spectrum?\n"
        "{\n"
        "    =yellow # right; good!\n"
        "    ~red # [html]wrong, it's yellow\n"
        "    ~[plain]blue # wrong, it's yellow\n"
        "}"
    )
    assert q.qtype == QuestionType.SINGLE
    assert q.text == "What's between orange and green in the spectrum?"
    assert q.choices == (
        Choice("yellow", D(1), "right; good!"),
        Choice("red", D(0), "wrong, it's yellow"),
        Choice("blue", D(0), "wrong, it's yellow"),
    )
    assert q.comment == "multiple choice with specified feedback for right and wrong answers"


def test_answers_in_their_own_formats_show_as_in_moodle():
    """Moodle keeps each answer's and feedback's format; here a question has one, so
    a question mixing them is kept in HTML, each text converted by its own format."""
    q = one(
        "::Q:: Which is *bold*?\nPick one. {\n"
        "    =[plain]<b> # [markdown]**yes**\n"
        "    ~[html]<i>italic</i> # no\n"
        "    ####[plain]1 < 2\n"
        "}"
    )
    assert q.text_format == TextFormat.HTML
    assert q.text == "Which is *bold*?<br>Pick one."  # Moodle's format: line breaks kept
    assert q.choices == (
        Choice("&lt;b&gt;", D(1), "<p><strong>yes</strong></p>"),
        Choice("<i>italic</i>", D(0), "no"),
    )
    assert q.general_feedback == "1 &lt; 2"


def test_a_question_in_one_format_is_kept_as_written():
    q = one("[markdown]Which is *bold*? {=[markdown]**this** ~[markdown]that # no}")
    assert q.text_format == TextFormat.MARKDOWN
    assert [c.text for c in q.choices] == ["**this**", "that"]
    assert q.choices[1].feedback == "no"


def test_formats_of_compared_answers_are_dropped_as_in_moodle():
    short = one("[html]Capital of <b>France</b>? {=[plain]Paris =[markdown]paris}")
    assert (short.text_format, [c.text for c in short.choices]) == (
        TextFormat.HTML,
        ["Paris", "paris"],
    )
    # Moodle reads no format in a matching question's answers: "[html]" is text there.
    matching = one("Match. {=[plain]a -> [html]b =c -> d}")
    assert matching.pairs == (MatchPair("a", "[html]b"), MatchPair("c", "d"))


def test_an_empty_answer_is_left_out_as_moodle_leaves_it_out():
    parsed = parse_file("Q? {=a ~b #[html]<i>b</i>\n~ #never shown\n}\n\nShort? {=x = }")
    first, short = parsed.questions
    assert first.choices == (Choice("a", D(1)), Choice("b", D(0), "<i>b</i>"))
    assert [c.text for c in short.choices] == ["x"]
    assert [(p.line, p.message) for p in parsed.skipped] == [
        (2, "Line 2: an empty answer was left out, as Moodle leaves it out."),
        (5, "Line 5: an empty answer was left out, as Moodle leaves it out."),
    ]


def test_import_multichoice_multi():
    q = one(
        "::colours:: What's between orange and green in the spectrum?\n"
        "{\n"
        "    ~%50%yellow # right; good!\n"
        "    ~%-100%red # [html]wrong\n"
        "    ~%50%off-beige # right; good!\n"
        "    ~%-100%[plain]blue # wrong\n"
        "}"
    )
    assert q.qtype == QuestionType.MULTIPLE
    assert [c.fraction for c in q.choices] == [D("0.5"), D(-1), D("0.5"), D(-1)]
    assert [c.text for c in q.choices] == ["yellow", "red", "off-beige", "blue"]
    assert q.choices[1].feedback == "wrong"


def test_import_multichoice_multi_tricky():
    # No "=": multiple answers, even with one answer at 100 % (Moodle's rule).
    q = one("::colours:: Which?{\n ~%100%yellow # right\n ~%-50%red # wrong\n ~%-50%blue}")
    assert q.qtype == QuestionType.MULTIPLE
    assert [c.fraction for c in q.choices] == [D(1), D("-0.5"), D("-0.5")]


def test_import_numerical_with_the_any_other_answer():
    q = one(
        "// math range question\n::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}"
    )
    assert q.qtype == QuestionType.NUMERICAL
    assert q.text == "What is a number from 1 to 5?"
    assert q.numbers == (
        NumericAnswer(D(1), value=D(3), tolerance=D(2)),
        NumericAnswer(D(0), low=-INF, high=INF, feedback="Completely wrong"),
    )


def test_import_shortanswer():
    q = one(
        "::Shortanswer::Which is the best animal?{\n"
        "    =Frog#Good!\n"
        "    =%50%Cat#What is it with Moodlers and cats?\n"
        "    =%0%*#Completely wrong\n"
        "}"
    )
    assert q.qtype == QuestionType.SHORT
    assert q.choices == (
        Choice("Frog", D(1), "Good!"),
        Choice("Cat", D("0.5"), "What is it with Moodlers and cats?"),
        Choice("*", D(0), "Completely wrong"),
    )


def test_import_shortanswer_with_general_feedback():
    q = one(
        "::Shortanswer::Which is the best animal?{\n"
        "    =Frog#Good!\n"
        "    =%50%Cat#Cats?\n"
        "    ####[html]Here is some general feedback!\n"
        "}"
    )
    assert q.general_feedback == "Here is some general feedback!"
    assert len(q.choices) == 2


def test_import_truefalse_feedback_goes_to_the_answer_given():
    # {FALSE#wrong#right}: the first feedback is for a wrong answer ("true"), the
    # second for the right one ("false").
    q = one(
        "// true/false\n::Q1:: 42 is the Absolute Answer to everything.{\n"
        "FALSE#42 is the Ultimate Answer.#You gave the right answer.}"
    )
    assert q.qtype == QuestionType.TRUE_FALSE
    assert q.correct is False
    assert q.true_feedback == "42 is the Ultimate Answer."
    assert q.false_feedback == "You gave the right answer."


@pytest.mark.parametrize(
    ("word", "correct"), [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)]
)
def test_import_truefalse_words(word, correct):
    q = one(f"// name 0-11\n::2-08 TSL::TSL is blablabla.{{{word}}}")
    assert (q.name, q.text, q.correct) == ("2-08 TSL", "TSL is blablabla.", correct)
    assert (q.true_feedback, q.false_feedback) == ("", "")


def test_import_truefalse_true_with_feedback():
    q = one("Scan at pickup.{TRUE#No: always scan.#Yes.####Manual 2.2.}")
    assert (q.correct, q.true_feedback, q.false_feedback) == (True, "Yes.", "No: always scan.")
    assert q.general_feedback == "Manual 2.2."


def test_import_backslash():
    # MDL-34171: \\ is one backslash.
    q = one("// essay\n::double backslash:: A \\\\ B \\\\\\\\ C{}")
    assert q.text == "A \\ B \\\\ C"


def test_import_pre_content_with_escaped_braces():
    q = one(
        "::Q001::[html]<p>What would running the test method print?</p>\n"
        "<pre>\n"
        "    public void test() \\{\n"
        "        method1();\n"
        "    \\}\n"
        "</pre>\n"
        "{}"
    )
    # Moodle trims every line of a file before reading its questions.
    assert q.text == (
        "<p>What would running the test method print?</p>\n<pre>\n"
        "public void test() {\nmethod1();\n}\n</pre>"
    )
    assert q.text_format == TextFormat.HTML


def test_import_tags_from_comments():
    q = one(
        "// This question is to test importing tags: [tag:tag] [tag:other-tag].\n"
        "// And an idnumber: [id:myid].\n"
        "::Question name:: How are you? {}"
    )
    assert q.tags == ("tag", "other-tag")
    assert q.idnumber == "myid"
    assert q.comment == "This question is to test importing tags:  .\nAnd an idnumber: ."


def test_tags_alone_on_a_comment_line_leave_no_comment():
    q = one("// [tag:收寄] [tag:时效]\nQ?{T}")
    assert (q.tags, q.comment) == (("收寄", "时效"), "")


def test_export_essay():
    q = Question(QuestionType.ESSAY, "How are you?", name="Q8")
    assert write([q]) == "::Q8::How are you?{}\n"


def test_export_match():
    q = Question(
        QuestionType.MATCHING,
        "Match the <b>activity</b> to the description.",
        name="Moodle activities",
        text_format=TextFormat.HTML,
        pairs=(
            MatchPair('<div class="frog">An activity for discussions.</div>', "Forum"),
            MatchPair("A teacher asks a question.", "Choice"),
            MatchPair("", "Chat"),
        ),
    )
    assert write([q]) == (
        "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
        '\t=<div class\\="frog">An activity for discussions.</div> -> Forum\n'
        "\t=A teacher asks a question. -> Choice\n"
        "\t= -> Chat\n"
        "}\n"
    )


def test_export_multichoice():
    q = Question(
        QuestionType.SINGLE,
        "What's between orange and green in the spectrum?",
        name="Q8",
        choices=(
            Choice("yellow", D(1), "right; good!"),
            Choice("red", D(0), "wrong, it's yellow"),
            Choice("blue", D(0), "wrong, it's yellow"),
        ),
    )
    assert write([q]) == (
        "::Q8::What's between orange and green in the spectrum?{\n"
        "\t=yellow#right; good!\n"
        "\t~red#wrong, it's yellow\n"
        "\t~blue#wrong, it's yellow\n"
        "}\n"
    )


def test_export_multichoice_multi_tricky():
    q = Question(
        QuestionType.MULTIPLE,
        "Which?",
        name="Q8",
        choices=(Choice("yellow", D(1)), Choice("red", D("-0.5")), Choice("blue", D("-0.5"))),
    )
    assert write([q]) == "::Q8::Which?{\n\t~%100%yellow\n\t~%-50%red\n\t~%-50%blue\n}\n"


def test_export_numerical():
    q = Question(
        QuestionType.NUMERICAL,
        "What is a number from 1 to 5?",
        name="Q5",
        numbers=(
            NumericAnswer(D(1), value=D(3), tolerance=D(2)),
            NumericAnswer(D(0), low=-INF, high=INF, feedback="Completely wrong"),
        ),
    )
    assert write([q]) == (
        "::Q5::What is a number from 1 to 5?{#\n\t=%100%3:2\n\t~#Completely wrong\n}\n"
    )


def test_export_shortanswer_with_general_feedback():
    q = Question(
        QuestionType.SHORT,
        "Which is the best animal?",
        name="Shortanswer",
        general_feedback="Here is some general feedback!",
        choices=(Choice("Frog", D(1), "Good!"), Choice("*", D(0), "Completely wrong")),
    )
    assert write([q]) == (
        "::Shortanswer::Which is the best animal?{\n"
        "\t=%100%Frog#Good!\n"
        "\t=%0%*#Completely wrong\n"
        "\t####Here is some general feedback!\n"
        "}\n"
    )


def test_export_truefalse():
    q = Question(
        QuestionType.TRUE_FALSE,
        "42 is the Absolute Answer to everything.",
        name="Q1",
        correct=True,
        true_feedback="You gave the right answer.",
        false_feedback="42 is the Ultimate Answer.",
    )
    assert write([q]) == (
        "::Q1::42 is the Absolute Answer to everything."
        "{TRUE#42 is the Ultimate Answer.#You gave the right answer.}\n"
    )


def test_export_truefalse_with_only_the_right_feedback():
    q = Question(QuestionType.TRUE_FALSE, "Q?", correct=False, false_feedback="Right.")
    assert write([q]) == "Q?{FALSE##Right.}\n"
    assert parse(write([q])) == [q]


def test_export_backslash():
    q = Question(QuestionType.ESSAY, "A \\ B \\\\ C", name="backslash")
    assert write([q]) == "::backslash::A \\\\ B \\\\\\\\ C{}\n"


def test_export_tags_and_mark_as_a_comment():
    q = Question(
        QuestionType.TRUE_FALSE,
        "The answer is true.",
        name="True/false question",
        text_format=TextFormat.HTML,
        correct=True,
        tags=("tag1", "tag2"),
        default_mark=D("2.5"),
        comment="For the pickup course.",
        general_feedback="You should have selected true.",
    )
    assert write([q]) == (
        "// For the pickup course.\n"
        "// [tag:tag1] [tag:tag2] [mark:2.5]\n"
        "::True/false question::[html]The answer is true.{TRUE####You should have selected "
        "true.}\n"
    )
    assert parse(write([q])) == [q]


# Moodle's fixtures and the documentation's examples -------------------------------------


def test_moodle_fixture_reads_nine_questions():
    # Moodle's behat test imports its fixture as 9 questions; ours has the same shape.
    questions = parse((DATA / "moodle_style.gift").read_text(encoding="utf-8"))
    assert [q.qtype for q in questions] == [
        QuestionType.ESSAY,
        QuestionType.MATCHING,
        QuestionType.SINGLE,
        QuestionType.MULTIPLE,
        QuestionType.NUMERICAL,
        QuestionType.SHORT,
        QuestionType.TRUE_FALSE,
        QuestionType.TRUE_FALSE,
        QuestionType.TRUE_FALSE,
    ]
    assert parse(write(questions)) == questions


def test_missing_word_format_leaves_a_blank():
    q = one("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert q.text == "Grant is _____ in Grant's tomb."
    assert q.qtype == QuestionType.SINGLE
    # Answers before the closing punctuation also make a blank.
    assert one("Two plus two equals {=four =4}.").text == "Two plus two equals _____."


def test_answers_on_their_own_lines_and_a_closing_brace_without_newline():
    q = one("Which country? {\n    ~India\n    =China\n    ~Korea\n    ~Egypt}")
    assert [c.fraction for c in q.choices] == [0, 1, 0, 0]


def test_numerical_forms():
    assert one("Born? {#1822}").numbers == (NumericAnswer(D(1), value=D(1822)),)
    assert one("Pi? {#3.1415:0.0005}.").numbers == (
        NumericAnswer(D(1), value=D("3.1415"), tolerance=D("0.0005")),
    )
    assert one("Pi? {#3.141..3.142}.").numbers == (
        NumericAnswer(D(1), low=D("3.141"), high=D("3.142")),
    )
    assert one("Born? {#\n    =1822:0\n    =%50%1822:2}").numbers == (
        NumericAnswer(D(1), value=D(1822), tolerance=D(0)),
        NumericAnswer(D("0.5"), value=D(1822), tolerance=D(2)),
    )
    assert one("Below zero? {#-5..-1}").numbers == (NumericAnswer(D(1), low=D(-5), high=D(-1)),)


def test_numerical_feedback_over_several_lines():
    q = one(
        "::Numerical example::\nWhen was Ulysses S. Grant born? {#\n"
        "     =1822:0      #Correct! 100% credit\n"
        "     =%50%1822:2  #He was born in 1822.\n"
        "                  You get 50% credit for being close.\n}"
    )
    assert q.numbers[1].feedback == "He was born in 1822.\nYou get 50% credit for being close."
    assert q.numbers[0].feedback == "Correct! 100% credit"


def test_short_answer_without_equals_and_lower_case_true_as_moodle_reads_them():
    # Moodle: an answer block without = ~ # or -> is a short answer, and only T, TRUE,
    # F and FALSE (in capitals) make a true/false question.
    assert one("Who?{nobody}").choices == (Choice("nobody", D(1)),)
    q = one("Is it?{true}")
    assert (q.qtype, q.choices) == (QuestionType.SHORT, (Choice("true", D(1)),))


def test_any_other_number_without_feedback():
    q = one("N?{#5~}")
    assert q.numbers[-1] == NumericAnswer(D(0), low=-INF, high=INF)
    assert one("N?{#=5 =%0%*#no}").numbers[-1] == NumericAnswer(
        D(0), low=-INF, high=INF, feedback="no"
    )


def test_title_and_text_over_two_lines():
    q = one("::Kanji Origins::Japanese characters originally\ncame from what country? {=China}")
    assert q.name == "Kanji Origins"
    assert q.text == "Japanese characters originally\ncame from what country?"
    assert q.qtype == QuestionType.SHORT


def test_feedback_and_weights_in_a_choice():
    q = one(
        "Difficult multiple choice question.{\n"
        "     ~wrong answer           #comment on wrong answer\n"
        "     ~%50%half credit answer #comment on answer\n"
        "     =full credit answer     #well done!}"
    )
    assert q.qtype == QuestionType.SINGLE
    assert q.choices == (
        Choice("wrong answer", D(0), "comment on wrong answer"),
        Choice("half credit answer", D("0.5"), "comment on answer"),
        Choice("full credit answer", D(1), "well done!"),
    )


def test_special_characters():
    q = one(
        "::GIFT Control Characters::\n"
        "Which of the following is NOT a control character for the GIFT import format? {\n"
        "   ~ \\~     # \\~ is a control character.\n"
        "   ~ \\=     # \\= is a control character.\n"
        "   ~ \\#     # \\# is a control character.\n"
        "   ~ \\{     # \\{ is a control character.\n"
        "   ~ \\}     # \\} is a control character.\n"
        "   = \\\\     # Correct! \\\\ (backslash) is not a control character. BUT,\n"
        "              it is used to escape the control characters.\n"
        "}"
    )
    assert [c.text for c in q.choices] == ["~", "=", "#", "{", "}", "\\"]
    assert q.choices[5].fraction == 1
    assert q.choices[5].feedback == (
        "Correct! \\ (backslash) is not a control character. BUT,\n"
        "it is used to escape the control characters."
    )
    assert one("1 + 2 \\= 3 \\: right?{T}").text == "1 + 2 = 3 : right?"
    assert one("Line one\\nline two{T}").text == "Line one\nline two"


def test_text_format_markdown_applies_to_feedback_too():
    q = one("[markdown]Who's buried in **Grant's tomb**?{\n=no one#excellent answer!}")
    assert (q.text_format, q.text) == (TextFormat.MARKDOWN, "Who's buried in **Grant's tomb**?")
    assert q.choices[0].feedback == "excellent answer!"
    assert one("[plain]Plain.{T}").text_format == TextFormat.PLAIN
    assert one("[moodle]Default.{T}").text_format == TextFormat.MOODLE


def test_an_unknown_bracket_is_text():
    assert one("[注意] 快件破损时怎么办?{}").text == "[注意] 快件破损时怎么办?"


def test_comment_lines_just_above_a_question_are_kept_and_others_dropped():
    questions = parse(
        "// ===Line Comments===\n\n"
        "// Subheading: Numerical questions below\n"
        "What's 2 plus 2? {#4}\n\n"
        "//this comment will be ignored by the filter\n\n"
        "Q? {T}"
    )
    assert [q.comment for q in questions] == ["Subheading: Numerical questions below", ""]


def test_categories():
    questions = parse(
        "A?{T}\n\n"
        "$CATEGORY: tom/dick/harry\n\n"
        "B?{T}\n\n"
        "// question: 0  name: Switch category to $course$/top/Default for C1\n"
        "$CATEGORY: $course$/top/Default for C1\n\n"
        "C?{T}\n\n"
        "$CATEGORY: $system$/top\n"
        "D?{T}\n\n"
        "$CATEGORY:  客户服务知识 / 投诉处理 /\n\n"
        "E?{T}"
    )
    assert [q.category for q in questions] == [
        "",
        "tom/dick/harry",
        "Default for C1",
        "",
        "客户服务知识/投诉处理",
    ]


def test_bom_crlf_and_bytes():
    text = "\ufeff// 一\r\n::标题::题目?{T}\r\n\r\n::二::第二题?{F}\r\n"
    questions = parse(text)
    assert [(q.name, q.text, q.comment) for q in questions] == [
        ("标题", "题目?", "一"),
        ("二", "第二题?", ""),
    ]
    assert parse(text.encode("utf-8")) == questions
    assert parse(text.removeprefix("\ufeff").encode("gb18030")) == questions


def test_an_empty_file_has_no_questions():
    assert parse("") == []
    assert parse("\n\n// only a comment\n\n") == []


# The courier manual -------------------------------------------------------------------


def test_courier_manual():
    questions = parse((DATA / "courier_manual.gift").read_text(encoding="utf-8"))
    by_name = {q.name: q for q in questions}
    assert len(questions) == 8

    pickup = by_name["3.1.2 上门收寄"]
    assert pickup.category == "客户服务知识/服务时效"
    assert pickup.tags == ("服务时效", "收寄")
    assert pickup.comment == "手册 3.1.2"
    assert pickup.qtype == QuestionType.SINGLE
    assert pickup.choices[1] == Choice("2 小时", D(1), "正确：最迟不超过预约时间后 2 小时。")
    assert pickup.general_feedback == "见手册 3.1.2。"

    delivery = by_name["3.1.3 派送"]
    assert delivery.text == "快件到达目的地后，应在 _____ 小时内完成派送。"
    assert delivery.numbers == (NumericAnswer(D(1), value=D(24)),)

    enquiry = by_name["3.1.4 查询"]
    assert enquiry.numbers == (
        NumericAnswer(D(1), value=D(5), feedback="正确。"),
        NumericAnswer(D("0.5"), low=D(3), high=D(10), feedback="接近：手册要求 5 分钟。"),
    )

    exception = by_name["3.1.5 异常"]
    assert (exception.correct, exception.default_mark) == (False, D(2))
    assert exception.true_feedback == "不对：是 2 小时。"

    kinds = by_name["4.2.1 投诉分类"]
    assert kinds.category == "客户服务知识/投诉处理"
    assert kinds.qtype == QuestionType.MULTIPLE
    assert [c.text for c in kinds.choices if c.fraction > 0] == [
        "服务类",
        "运输类",
        "信息类",
        "其他类",
    ]

    measures = by_name["4.3.2 处理措施"]
    assert measures.pairs[0] == MatchPair("服务类", "对相关人员进行培训、整改")

    contact = by_name["4.3.1 联系时限"]
    assert contact.text == "接到投诉后，最迟 _____ 内要与客户取得联系。"
    assert [c.text for c in contact.choices] == ["24 小时", "二十四小时", "一天"]

    essay = by_name["投诉处理心得"]
    assert (essay.qtype, essay.text_format) == (QuestionType.ESSAY, TextFormat.MARKDOWN)
    assert essay.general_feedback == "参考：先致歉，再了解情况，最后说明处理时限。"

    assert parse(write(questions)) == questions


# Writing ------------------------------------------------------------------------------


def test_write_switches_category_when_it_changes():
    a = Question(QuestionType.ESSAY, "A?", category="客户服务知识/服务时效")
    b = Question(QuestionType.ESSAY, "B?", category="客户服务知识/服务时效")
    c = Question(QuestionType.ESSAY, "C?")
    text = write([a, b, c])
    assert text == (
        "$CATEGORY: 客户服务知识/服务时效\n\nA?{}\n\nB?{}\n\n$CATEGORY: $course$/top\n\nC?{}\n"
    )
    assert parse(text) == [a, b, c]


def test_write_escapes_and_protects_texts():
    q = Question(
        QuestionType.SINGLE,
        "//not a comment {x} a=b ~c #d e:f \\ g\nh",
        choices=(
            Choice("[html] is text here", D(1), "[plain] also"),
            Choice("%50% off", D(0), "#1"),
        ),
        general_feedback="####",
    )
    text = write([q])
    assert text == (
        "[moodle]//not a comment \\{x\\} a\\=b \\~c \\#d e\\:f \\\\ g\\nh{\n"
        "\t=[moodle][html] is text here#[moodle][plain] also\n"
        "\t~[moodle]%50% off#\\#1\n"
        "\t####\\#\\#\\#\\#\n"
        "}\n"
    )
    assert parse(text) == [q]


def test_write_a_short_answer_holding_an_arrow():
    q = Question(QuestionType.SHORT, "Arrow?", choices=(Choice("a->b", D(1), "c -> d"),))
    assert parse(write([q])) == [q]


def test_write_a_single_choice_with_two_right_answers():
    q = Question(QuestionType.SINGLE, "Either?", choices=(Choice("a", D(1)), Choice("b", D(1))))
    assert write([q]) == "Either?{\n\t=a\n\t~%100%b\n}\n"
    assert parse(write([q])) == [q]


def test_write_any_other_number_not_last():
    q = Question(
        QuestionType.NUMERICAL,
        "N?",
        numbers=(
            NumericAnswer(D("0.5"), low=-INF, high=INF, feedback="any"),
            NumericAnswer(D(1), value=D("2.50"), tolerance=D("1E-3")),
        ),
    )
    assert write([q]) == "N?{#\n\t=%50%*#any\n\t=%100%2.5:0.001\n}\n"
    assert parse(write([q])) == [q]


def test_write_weights_with_decimals():
    q = Question(
        QuestionType.MULTIPLE,
        "Three?",
        choices=tuple(Choice(t, D("0.3333333")) for t in "abc") + (Choice("d", D("-0.125")),),
    )
    assert "~%33.33333%a" in write([q])
    assert "~%-12.5%d" in write([q])
    assert parse(write([q])) == [q]


# Errors -------------------------------------------------------------------------------


def test_broken_file_reports_every_problem_with_its_line():
    assert problems((DATA / "broken.gift").read_text(encoding="utf-8")) == [
        (
            2,
            "Line 2: the answer block opened with { is never closed. Close it with } before "
            "the next blank line (a blank line ends a question), or write a literal brace "
            "as \\{.",
        ),
        (5, "Line 5: this } closes no answer block. Write a literal brace as \\}."),
        (7, "Line 7: this } closes no answer block. Write a literal brace as \\}."),
        (
            22,
            "Line 22: “five” is not a number. Write a number (5), a number and its "
            "tolerance (5:0.5) or a range (4..6).",
        ),
        (25, "Line 25: the weight 150% is outside -100 to 100."),
    ]


def test_gift_error_is_the_shared_import_error():
    with pytest.raises(QuestionImportError) as caught:
        parse("Q?{")
    assert isinstance(caught.value, ValueError)
    assert str(caught.value).startswith("Line 1: the answer block opened with {")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("\n\nQ?{\n=a\n", 3, "Line 3: the answer block opened with { is never closed."),
        (
            "Q?{=a -> 1 =-> 2 =-> 3}",
            1,
            "Line 1: A matching question needs at least 2 pairs with a prompt; this one has 1.",
        ),
        ("Q?{\n=a -> 1\n=b 2\n=c -> 3}", 3, "Line 3: the matching pair “b 2” has no ->."),
        ("Q?{=a -> 1 =b -> =c -> 3}", 1, "Line 1: the matching pair “b ->” has no answer"),
        ("Q?{#abc}", 1, "Line 1: “abc” is not a number."),
        ("Q?{#5:x}", 1, "Line 1: “5:x” is not a number."),
        ("Q?{#5 km}", 1, "Line 1: “5 km” is not a number."),
        ("Q?{#1,5}", 1, "Line 1: “1,5” is not a number."),
        ("Q?{#5:-1}", 1, "Line 1: the tolerance in “5:-1” is negative."),
        ("Q?{#6..4}", 1, "Line 1: the range “6..4” starts above where it ends."),
        ("Q?{#}", 1, "Line 1: this numerical question has no accepted number."),
        ("Q?{#~#any}", 1, "Line 1: this numerical question has no accepted number."),
        ("Q?{#=*#any}", 1, "Line 1: A numerical question needs at least one accepted number."),
        ("Q?{#5 ~oops#any}", 1, "Line 1: in a numerical question, ~ is followed by nothing"),
        ("Q?{\n=a\n~%150%b}", 3, "Line 3: the weight 150% is outside -100 to 100."),
        ("Q?{=a ~%-101%b}", 1, "Line 1: the weight -101% is outside -100 to 100."),
        ("Q?{=a ~%5.5.5%b}", 1, "Line 1: “%5.5.5%” is not a weight."),
        ("Q?{=a ~}", 1, "Line 1: A choice question needs at least two answers; this one has 1."),
        ("Q?{~a}", 1, "Line 1: A choice question needs at least two answers; this one has 1."),
        (
            "Q?{~%50%a ~%30%b ~c}",
            1,
            "Line 1: The positive weights of a multiple-choice question must add up to 100%; "
            "they add up to 80%.",
        ),
        ("{T}", 1, "Line 1: The question text is empty."),
        ("// [mark:abc]\nQ?{T}", 1, "Line 1: “abc” in [mark:…] is not a mark."),
        ("// [mark:0]\nQ?{T}", 2, "Line 2: The mark must be a positive number"),
        ("Q?}{T}", 1, "Line 1: this } closes no answer block."),
    ],
)
def test_errors(text, line, message):
    found = problems(text)
    assert found[0][0] == line, found
    assert found[0][1].startswith(message), found


def test_problems_in_several_questions_are_all_reported_and_none_imported():
    text = "Good?{T}\n\nBad?{#x}\n\nAlso good?{F}\n\nBad too?{=a ~%200%b}\n"
    assert [line for line, _message in problems(text)] == [3, 7]


def test_bytes_that_are_no_text():
    assert problems(b"\x81\x30\xff\xff")[0] == (0, "The file is not UTF-8 or GB18030 text.")


def test_messages_are_translatable():
    # The source strings are English; gettext gives them in the active language.
    with translation.override("zh-hans"), pytest.raises(GiftError) as caught:
        parse("Q?{")
    assert "1" in caught.value.problems[0].message


def test_module_exports():
    assert gift.__all__ == ["GiftError", "Problem", "parse", "parse_file", "write"]


# What Moodle accepts ------------------------------------------------------------------


def test_a_description_is_skipped_and_said_while_the_questions_around_it_are_read():
    parsed = gift.parse_file(
        "::Intro::Part 1: parcels. Read chapter 3 first.\n\n"
        "Q1?{T}\n\n"
        "// A heading\nParcels over 30 kg\n\n"
        "Q2?{F}\n"
    )
    assert [q.text for q in parsed.questions] == ["Q1?", "Q2?"]
    assert [(p.line, p.message) for p in parsed.skipped] == [
        (
            1,
            "Line 1: text without answers in braces { } (a Moodle description) is not a "
            "question; it was skipped.",
        ),
        (
            6,
            "Line 6: text without answers in braces { } (a Moodle description) is not a "
            "question; it was skipped.",
        ),
    ]
    assert parse("Only a description.") == []


@pytest.mark.parametrize(
    ("comment", "idnumber", "tags"),
    [  # Moodle's extract_idnumber_and_tags_from_comment_testcases
        ("// A basic comment.", "", ()),
        ("// A comment with [id:frog] <-- an idnumber.", "frog", ()),
        ("// Look tags: [tag:frog] [tag:toad].", "", ("frog", "toad")),
        ("// [tag:add] [tag:basic] [id:four]", "four", ("add", "basic")),
        ("// [tag:  basic] Here is  \n// a [id:   four   ] que[tag:add   ]stion.", "four",
         ("basic", "add")),
        ("// Ceci n'est pas une [tag:\n// frog].", "", ()),
        ("// [id:i\\]d].", "i]d", ()),
        ("// [tag:t\\]ag].", "", ("t]ag",)),
        ("// [id:first] [id:second]", "first", ()),
    ],
)  # fmt: skip
def test_id_numbers_and_tags_in_comments(comment, idnumber, tags):
    q = one(f"{comment}\nQ?{{T}}")
    assert (q.idnumber, q.tags) == (idnumber, tags)


def test_export_tags_and_id_number_as_moodle_does():
    q = Question(
        QuestionType.TRUE_FALSE,
        "The answer is true.",
        name="True/false question",
        text_format=TextFormat.HTML,
        correct=True,
        true_feedback="This is the right answer.",
        false_feedback="This is the wrong answer.",
        general_feedback="You should have selected true.",
        tags=("tag1", "tag2"),
        idnumber="myid",
    )
    assert write([q]) == (
        "// [id:myid] [tag:tag1] [tag:tag2]\n"
        "::True/false question::[html]The answer is true.{TRUE#This is the wrong answer."
        "#This is the right answer.####You should have selected true.}\n"
    )
    assert parse(write([q])) == [q]
    bracket = Question(QuestionType.ESSAY, "Q?", idnumber="a]b", tags=("t]ag",))
    assert "// [id:a\\]b] [tag:t\\]ag]" in write([bracket])
    assert parse(write([bracket])) == [bracket]


@pytest.mark.parametrize("fmt", ["HTML", "md", "Html", "text"])
def test_an_unknown_format_name_is_kept_as_text_as_moodle_does(fmt):
    q = one(f"[{fmt}]Bold <b>text</b>.{{=[{fmt}]a ~b}}")
    assert (q.text_format, q.text) == (TextFormat.MOODLE, f"[{fmt}]Bold <b>text</b>.")
    assert q.choices[0].text == f"[{fmt}]a"
    assert parse(write([q])) == [q]


def test_formats_of_answers_and_feedback_are_read():
    # Moodle's test_import_multichoice: each answer and feedback may say its format.
    q = one(
        "::Q2:: What's between orange and green in the spectrum?\n{\n"
        "    =yellow # right; good!\n    ~red # [html]wrong, it's yellow\n"
        "    ~[plain]blue # wrong, it's yellow\n}"
    )
    assert [(c.text, c.feedback) for c in q.choices] == [
        ("yellow", "right; good!"),
        ("red", "wrong, it's yellow"),
        ("blue", "wrong, it's yellow"),
    ]


def test_two_pair_matching_as_moodle_takes_it():
    q = one("Match.{=cat -> meow =dog -> woof}")
    assert q.pairs == (MatchPair("cat", "meow"), MatchPair("dog", "woof"))
    assert parse(write([q])) == [q]


def test_a_title_never_closed_is_dropped_as_moodle_does():
    q = one("::Q4 Where does this title end? {T}")
    assert (q.name, q.text, q.correct) == ("", "Q4 Where does this title end?", True)


@pytest.mark.parametrize(
    ("escaped", "char"), [("\\]", "\\]"), ("\\}", "}"), ("\\=", "="), ("\\~", "~"),
                          ("\\#", "#"), ("\\:", ":"), ("\\{", "{"), ("\\n", "\n")],
)  # fmt: skip
def test_escapes_moodle_accepts(escaped, char):
    q = one(f"::a{escaped}b::x{escaped}y{{=p{escaped}q ~r}}")
    assert (q.name, q.text, q.choices[0].text) == (f"a{char}b", f"x{char}y", f"p{char}q")


def test_the_broken_fixture_keeps_what_moodle_keeps():
    parsed_lines = [line for line, _m in problems((DATA / "broken.gift").read_text())]
    assert not {9, 11, 13, 15} & set(parsed_lines)


# Moodle's reader (question/format/gift/format.php, readquestion) on what looks wrong:
# the outcome Moodle gives, worked out from its code, is the outcome here.


@pytest.mark.parametrize("answer", ["=%50%answer", "= %50%answer", "=%-100%answer"])
def test_a_weight_after_equals_is_answer_text_worth_100_percent_as_in_moodle(answer):
    # Moodle: `if ($answer[0] == '=') { $answerweight = 1; $answer = substr($answer, 1); }`,
    # the weight regex is only tried on the other answers.
    q = one(f"Q?{{{answer} ~b}}")
    assert q.qtype == QuestionType.SINGLE
    assert q.choices == (Choice(answer.lstrip("= "), D(1)), Choice("b", D(0)))
    assert parse(write([q])) == [q]


def test_a_weight_after_tilde_is_still_read_next_to_an_equals():
    q = one("Q?{=%50%a ~%50%b ~c}")
    assert [(c.text, c.fraction) for c in q.choices] == [("%50%a", 1), ("b", D("0.5")), ("c", 0)]


def test_a_brace_inside_the_answer_block_is_answer_text_as_in_moodle():
    # Moodle's block runs from strpos($text, '{') to strpos($text, '}').
    q = one("Q? {=a {~b}")
    assert (q.qtype, q.text) == (QuestionType.SINGLE, "Q?")
    assert q.choices == (Choice("a {", D(1)), Choice("b", D(0)))
    assert parse(write([q])) == [q]
    short = one("Q?{=x{y =z}")
    assert (short.qtype, short.choices) == (
        QuestionType.SHORT,
        (Choice("x{y", D(1)), Choice("z", D(1))),
    )


def test_a_second_answer_block_is_question_text_as_in_moodle():
    # The first block is the answers; the text ends with "}", so Moodle leaves no blank.
    q = one("Q?{=a ~b}\nR?{T}")
    assert (q.qtype, q.text) == (QuestionType.SINGLE, "Q?\nR?{T}")
    assert q.choices == (Choice("a", D(1)), Choice("b", D(0)))
    assert parse(write([q])) == [q]
    # The broken fixture's Q3.
    q = one("::Q3:: Pick the closest depot.{ =north }{ ~south }")
    assert (q.qtype, q.name, q.text) == (
        QuestionType.SHORT,
        "Q3",
        "Pick the closest depot.{ ~south }",
    )
    assert q.choices == (Choice("north", D(1)),)
    assert parse(write([q])) == [q]


@pytest.mark.parametrize(
    ("text", "question_text"),
    [
        # Moodle blanks the block unless the whole text ends with a "}".
        ("Grant is {~buried =entombed} in the tomb }", "Grant is  in the tomb }"),
        ("Grant is {~buried =entombed} in the tomb {", "Grant is _____ in the tomb {"),
        ("Grant is {~buried =entombed} in {the} tomb.", "Grant is _____ in {the} tomb."),
        ("Grant is {~buried =entombed} in the tomb \\}", "Grant is _____ in the tomb }"),
    ],
)
def test_braces_after_the_answer_block_as_in_moodle(text, question_text):
    q = one(text)
    assert q.text == question_text
    assert [(c.text, c.fraction) for c in q.choices] == [("buried", 0), ("entombed", 1)]
    assert parse(write([q])) == [q]


@pytest.mark.parametrize(
    ("block", "qtype", "choices"),
    [
        # Moodle explodes on "~" (after turning "=" into "~="): the text before the
        # first mark is an answer, read like one after "~".
        ("Paris ~London =Rome", QuestionType.SINGLE,
         [("Paris", 0), ("London", 0), ("Rome", 1)]),
        ("Paris#no ~London =Rome", QuestionType.SINGLE,
         [("Paris", 0), ("London", 0), ("Rome", 1)]),
        ("%50%Paris ~%50%Rome ~London", QuestionType.MULTIPLE,
         [("Paris", D("0.5")), ("Rome", D("0.5")), ("London", 0)]),
        ("  ~London =Rome", QuestionType.SINGLE, [("London", 0), ("Rome", 1)]),
    ],
)  # fmt: skip
def test_text_before_the_first_mark_is_an_answer_as_in_moodle(block, qtype, choices):
    q = one(f"Capital?{{{block}}}")
    assert (q.qtype, q.text) == (qtype, "Capital?")
    assert [(c.text, c.fraction) for c in q.choices] == choices
    assert parse(write([q])) == [q]
    if "#" in block:
        assert q.choices[0].feedback == "no"


# Bounds -------------------------------------------------------------------------------


def test_a_file_over_the_character_limit_is_refused_before_it_is_read():
    limits = gift.Limits(questions=10, chars=20)
    assert problems_with("Q?{T}\n\n" * 4, limits) == [
        (0, "The file holds more than 20 characters; split it into smaller files.")
    ]
    assert problems_with(("Q?{T}\n\n" * 4).encode() * 3, limits)[0][0] == 0


def test_a_file_over_the_question_limit_is_refused():
    limits = gift.Limits(questions=3, chars=1000)
    assert len(parse("Q?{T}\n\n" * 3, limits=limits)) == 3
    assert problems_with("Q?{T}\n\n" * 4, limits) == [
        (0, "The file holds more than 3 questions; split it into smaller files.")
    ]
    assert problems_with("Heading\n\n" * 4, limits)[0][0] == 0


def problems_with(text, limits) -> list[tuple[int, str]]:
    with pytest.raises(GiftError) as caught:
        parse(text, limits=limits)
    return [(p.line, p.message) for p in caught.value.problems]
