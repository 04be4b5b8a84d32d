"""HR's import pages: upload, preview, confirm, history; templates to download."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import ImportBatch, ImportState, SurveyResult
from lms.models import Notification
from tests.factories import csv_bytes, survey, zip_bomb_xlsx

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, name="surveys.csv", kind="surveys", **extra):
    return client.post(
        "/data/imports/",
        {"kind": kind, "file": SimpleUploadedFile(name, data), **extra},
    )


def test_only_hr_and_administrators_import(people, login):
    for who in ("learner", "trainer"):
        assert login(people[who]).get("/data/imports/").status_code == 403
    assert login(people["admin"]).get("/data/imports/").status_code == 200


def test_hr_uploads_sees_the_preview_confirms_and_finds_it_in_the_history(
    people, login, django_capture_on_commit_callbacks
):
    client = login(people["hr"])
    data = csv_bytes("surveys", [survey("S-1"), survey("S-2", "L002")], language="zh")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, data)
    batch = ImportBatch.objects.get()
    assert response.url == f"/data/imports/{batch.pk}/"
    batch.refresh_from_db()
    assert batch.state == ImportState.CHECKED and batch.created == 2
    page = client.get(response.url).content.decode()
    assert batch.sha256 in page and f'action="/data/imports/{batch.pk}/confirm/"' in page
    assert not SurveyResult.objects.exists()  # a preview writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/data/imports/{batch.pk}/confirm/")
    batch.refresh_from_db()
    assert batch.state == ImportState.DONE and batch.imported_by == people["hr"].user
    assert SurveyResult.objects.count() == 2
    # HR is told in the inbox (and by e-mail where they have one), once
    (told,) = Notification.objects.filter(person=people["hr"].user, kind="imports.finished")
    assert "surveys.csv" in told.subject and told.link == f"/data/imports/{batch.pk}/"
    # confirming again imports nothing twice
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/data/imports/{batch.pk}/confirm/")
    assert SurveyResult.objects.count() == 2
    history = client.get("/data/imports/").content.decode()
    assert "surveys.csv" in history and batch.sha256[:8] in history
    status = client.get(f"/data/imports/{batch.pk}/status/").json()
    assert status == {
        "state": "done",
        "running": False,
        "label": status["label"],
        "percent": 100,
    }


def test_a_file_with_errors_lists_every_problem_and_cannot_be_imported(
    people, login, django_capture_on_commit_callbacks
):
    client = login(people["hr"])
    data = csv_bytes("surveys", [survey("S-1", number="NOBODY"), survey("S-2", score="9")])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, data)
    batch = ImportBatch.objects.get()
    assert batch.state == ImportState.REJECTED and batch.problem_count == 2
    page = client.get(f"/data/imports/{batch.pk}/").content.decode()
    assert "NOBODY" in page and "/confirm/" not in page
    client.post(f"/data/imports/{batch.pk}/confirm/")
    assert not SurveyResult.objects.exists()
    listing = client.get(f"/data/imports/{batch.pk}/problems/")
    text = b"".join(listing.streaming_content).decode("utf-8-sig")
    assert "NOBODY" in text and text.count("\n") == 3
    # the file's values leave with the list: its download is in the audit log
    from lms.models.audit import AuditEvent

    exported = AuditEvent.objects.get(action="personal.exported")
    assert exported.actor == people["hr"].user
    assert exported.details["record"] == "import_problems"
    assert exported.details["scope"] == {"batch": batch.pk, "kind": "surveys"}


def test_a_file_that_is_not_a_table_is_refused_at_upload(people, login):
    client = login(people["hr"])
    response = upload(client, b"%PDF-1.7", name="report.pdf")
    assert response.status_code == 200 and not ImportBatch.objects.exists()
    assert "xlsx" in response.content.decode()


@pytest.mark.parametrize("kind", ["roster", "surveys", "complaints", "efficiency", "teamwork"])
@pytest.mark.parametrize("language", ["zh", "en"])
def test_each_template_downloads_and_a_filled_template_imports(
    kind, language, people, login, django_capture_on_commit_callbacks
):
    client = login(people["hr"])
    xlsx = client.get(f"/data/templates/{kind}-{language}.xlsx")
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert len(book.sheetnames) == 2
    csv_file = client.get(f"/data/templates/{kind}-{language}.csv")
    assert csv_file.content.startswith(b"\xef\xbb\xbf")
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, xlsx.content, name=f"{kind}.xlsx", kind=kind)
    batch = ImportBatch.objects.get()
    # The template's examples name people of the demo; here they may be unknown, but the
    # file itself must read: no problem other than unknown employees.
    codes = {p["code"] for p in batch.problems}
    assert codes <= {"unknown_employee"}, batch.problems


def test_a_zip_bomb_workbook_is_refused_at_upload_and_nothing_is_queued(
    people, login, django_capture_on_commit_callbacks
):
    """The security review: 600 KB of XLSX that unpacks to 155 MB of XML took a worker
    100 s; the upload form now refuses it from the zip's directory, before any work."""
    client = login(people["hr"])
    with django_capture_on_commit_callbacks() as queued:
        response = upload(client, zip_bomb_xlsx(), name="roster.xlsx", kind="roster")
    assert response.status_code == 200
    assert "压缩比过高" in response.content.decode()
    assert not queued and not ImportBatch.objects.exists()


def test_a_file_larger_than_an_import_may_be_is_refused_at_upload(
    people, login, settings, django_capture_on_commit_callbacks
):
    settings.LMS_UPLOAD_MAX_BYTES = {**settings.LMS_UPLOAD_MAX_BYTES, "import": 100}
    client = login(people["hr"])
    with django_capture_on_commit_callbacks() as queued:
        response = upload(client, csv_bytes("surveys", [survey("S-1"), survey("S-2")]))
    assert response.status_code == 200
    assert "此处允许的最大文件为 100\xa0字节" in response.content.decode()
    assert not queued and not ImportBatch.objects.exists()


def test_hr_cannot_take_over_the_administrator_through_a_roster(
    people, login, django_capture_on_commit_callbacks
):
    """The security review: HR's roster gave the Administrator's account HR's own e-mail
    address, to which a password reset would then go."""
    admin = people["admin"]
    row = {
        "employee_number": admin.employee_number,
        "full_name": admin.full_name,
        "org_unit_path": "/".join(admin.org_unit.full_path_names()),
        "position": admin.position,
        "hire_date": admin.hire_date.isoformat(),
        "status": "active",
        "email": "hr-owned@example.com",
    }
    client = login(people["hr"])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, csv_bytes("roster", [row], language="zh"), name="roster.csv", kind="roster")
    batch = ImportBatch.objects.get()
    assert batch.state == ImportState.REJECTED
    page = client.get(f"/data/imports/{batch.pk}/").content.decode()
    assert "只有管理员可以更改这个账户" in page and "/confirm/" not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/data/imports/{batch.pk}/confirm/")
    admin.user.refresh_from_db()
    assert admin.user.email == ""
