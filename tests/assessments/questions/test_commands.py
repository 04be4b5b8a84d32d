# ruff: noqa: RUF001 (full-width punctuation in Chinese messages, on purpose)
"""import_questions and export_questions, as an operator runs them."""

import io

import pytest
from django.core.management import CommandError, call_command

from assessments.models import Question

pytestmark = pytest.mark.django_db

GIFT = """\
$CATEGORY: 业务流程与操作规范/服务时效

// 手册 3.1.2
::收寄时效::上门收寄最长不得超过预约时间后多久?{
=2小时 #对,见手册3.1.2。
~24小时 #这是派送时效。
~5分钟
####服务时效是考核重点。
}

::派送时效::快件到达目的地后,应在多少小时内完成派送?{#24}

客服人员应在5分钟内回复客户查询。{TRUE}

::投诉类别::下列哪些属于运输类投诉?{
~%50%快递物品损坏
~%50%快递丢失
~%-100%收费不合理
}
"""


def run(*args, **kwargs):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


def test_a_gift_file_is_imported_and_exported_back(tmp_path):
    path = tmp_path / "时效.gift"
    path.write_text(GIFT, encoding="utf-8")
    out, _err = run("import_questions", str(path))
    assert "4 questions imported" in out
    assert Question.objects.count() == 4
    assert {q.category.full_path for q in Question.objects.all()} == {
        "业务流程与操作规范/服务时效"
    }

    exported, err = run("export_questions", "--format", "gift", "--category", "业务流程与操作规范")
    assert "4 questions exported" in err
    again = tmp_path / "again.gift"
    again.write_text(exported, encoding="utf-8")
    before = sorted((q.to_data() for q in Question.objects.all()), key=lambda q: q.text)
    Question.objects.all().delete()
    run("import_questions", str(again))
    after = sorted((q.to_data() for q in Question.objects.all()), key=lambda q: q.text)
    assert after == before


def test_a_bad_file_imports_nothing_and_says_where(tmp_path):
    path = tmp_path / "bad.gift"
    path.write_text(GIFT + "\n::坏题::缺少右括号 {=对 ~错\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing imported"):
        run("import_questions", str(path))
    assert not Question.objects.exists()


def test_questions_without_a_category_go_where_the_operator_says(tmp_path):
    path = tmp_path / "plain.gift"
    path.write_text("客服应在5分钟内回复查询。{T}\n", encoding="utf-8")
    run("import_questions", str(path), "--category", "客户服务知识/时效")
    assert Question.objects.get().category.full_path == "客户服务知识/时效"


def test_unknown_files_and_categories_are_refused(tmp_path):
    path = tmp_path / "questions.docx"
    path.write_bytes(b"PK")
    with pytest.raises(CommandError):
        run("import_questions", str(path))
    with pytest.raises(CommandError):
        run("export_questions", "--category", "没有这个分类")


class TestAdmin:
    def test_a_trainer_imports_a_file_and_exports_the_bank(self, people, login):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client = login(people["trainer"])
        page = client.get("/cms/question_files/")
        assert page.status_code == 200
        upload = SimpleUploadedFile("时效.gift", GIFT.encode("utf-8"))
        response = client.post("/cms/question_files/", {"file": upload, "category": ""})
        assert response.status_code == 302
        assert Question.objects.count() == 4
        export = client.get("/cms/question_files/export/", {"format": "gift"})
        assert export["Content-Disposition"].endswith('questions.gift"')
        assert "::收寄时效::" in export.content.decode()
        assert client.get("/cms/question_files/template.xlsx").status_code == 200

    def test_a_bad_upload_lists_its_problems_and_imports_nothing(self, people, login):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client = login(people["trainer"])
        upload = SimpleUploadedFile("bad.gift", (GIFT + "\n::坏题::{=对 ~错\n").encode())
        response = client.post("/cms/question_files/", {"file": upload})
        assert response.status_code == 200
        assert 'role="alert"' in response.content.decode()
        assert not Question.objects.exists()

    def test_a_zip_bomb_workbook_is_refused_before_it_is_read(self, people, login, monkeypatch):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from assessments.questions import services
        from tests.factories import zip_bomb_xlsx

        def never(*args, **kwargs):
            raise AssertionError("the file was read")

        monkeypatch.setattr(services, "questions_import_file", never)
        client = login(people["trainer"])
        upload = SimpleUploadedFile("bank.xlsx", zip_bomb_xlsx())
        response = client.post("/cms/question_files/", {"file": upload})
        assert response.status_code == 200
        assert response.context["import_form"].errors["file"]
        assert not Question.objects.exists()

    def test_a_template_of_an_unknown_format_is_not_found(self, people, login):
        client = login(people["trainer"])
        assert client.get("/cms/question_files/template.pdf").status_code == 404

    def test_learners_cannot_reach_it(self, people, login):
        client = login(people["learner"])
        assert client.get("/cms/question_files/").status_code in (302, 403)


def test_importing_the_same_file_again_says_nothing_was_added(tmp_path):
    path = tmp_path / "时效.gift"
    path.write_text(GIFT, encoding="utf-8")
    run("import_questions", str(path))
    out, _err = run("import_questions", str(path))
    assert "4 questions imported" in out and "0 added, 0 updated, 4 unchanged" in out
    assert Question.objects.count() == 4


def test_moodle_xml_out_and_in(tmp_path):
    path = tmp_path / "时效.gift"
    path.write_text(GIFT, encoding="utf-8")
    run("import_questions", str(path))
    exported, _err = run("export_questions", "--format", "xml")
    assert exported.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    again = tmp_path / "again.xml"
    again.write_text(exported, encoding="utf-8")
    out, _err = run("import_questions", str(again))
    assert "0 added, 0 updated, 4 unchanged" in out


class TestAdminFiles:
    def test_a_re_import_says_what_was_added_updated_and_unchanged(self, people, login):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client = login(people["trainer"])
        client.post("/cms/question_files/", {"file": SimpleUploadedFile("a.gift", GIFT.encode())})
        edited = GIFT.replace("{#24}", "{#48}") + "\n\n第二部分\n\n新题?{T}\n"
        response = client.post(
            "/cms/question_files/",
            {"file": SimpleUploadedFile("a.gift", edited.encode())},
            follow=True,
        )
        html = response.content.decode()
        assert "文件已导入：新增 1 道题目，更新 1 道，3 道未变。" in html
        assert (
            "第 22 行：没有用花括号 { } 括起答案的文字（Moodle 的“描述”）不是题目，已跳过。"
            in html
        )
        assert Question.objects.count() == 5

    def test_the_bank_exports_as_moodle_xml_and_imports_back(self, people, login):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client = login(people["trainer"])
        client.post("/cms/question_files/", {"file": SimpleUploadedFile("a.gift", GIFT.encode())})
        export = client.get("/cms/question_files/export/", {"format": "xml"})
        assert export["Content-Disposition"].endswith('questions.xml"')
        assert export["Content-Type"].startswith("application/xml")
        response = client.post(
            "/cms/question_files/",
            {"file": SimpleUploadedFile("questions.xml", export.content)},
            follow=True,
        )
        assert "新增 0 道题目，更新 0 道，4 道未变" in response.content.decode()

    def test_a_hostile_xml_file_is_refused_with_a_message(self, people, login):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client = login(people["trainer"])
        bomb = b'<!DOCTYPE q [<!ENTITY a "aaaa">]><quiz>&a;</quiz>'
        response = client.post("/cms/question_files/", {"file": SimpleUploadedFile("q.xml", bomb)})
        assert response.status_code == 200
        assert "DOCTYPE" in response.content.decode()
        assert not Question.objects.exists()

    def test_a_file_over_the_limit_is_refused(self, people, login, settings):
        from django.core.files.uploadedfile import SimpleUploadedFile

        settings.LMS_QUESTION_IMPORT_MAX_ROWS = 3
        client = login(people["trainer"])
        response = client.post(
            "/cms/question_files/", {"file": SimpleUploadedFile("a.gift", GIFT.encode())}
        )
        assert "文件超过 3 道题目，请拆分成较小的文件。" in response.content.decode()
        assert not Question.objects.exists()

    def test_many_skipped_descriptions_are_named_ten_at_most(self, people, login):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client = login(people["trainer"])
        headings = "".join(f"第{n}部分\n\n" for n in range(12))
        upload = SimpleUploadedFile("a.gift", (headings + GIFT).encode())
        html = client.post("/cms/question_files/", {"file": upload}, follow=True).content.decode()
        assert html.count("不是题目，已跳过。") == 10
        assert "另有 2 项已跳过。" in html
        assert Question.objects.count() == 4
