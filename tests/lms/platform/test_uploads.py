# ruff: noqa: RUF001 (full-width punctuation in Chinese messages, on purpose)
"""The one guard for uploaded files: bytes, what a ZIP-based file unpacks to, rows and time;
refused with a translated message before any work is queued; Wagtail's images and
documents and drill evidence go through it too."""

import io
import runpy
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from courses.sessions.forms import EvidenceForm
from lms.platform import uploads
from lms.platform.uploads import Budget, check_upload
from tests.factories import xlsx, zip_bomb_xlsx


def refusal(data: bytes, kind: str = "import", name: str = "data.xlsx") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile(name, data), kind)
    return caught.value


def packed(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_files_within_their_bounds_pass_and_are_left_at_their_start():
    for data, name in ((xlsx([["工号"], ["E1"]]), "a.xlsx"), (b"id,name\r\n1,x\r\n", "a.csv")):
        upload = SimpleUploadedFile(name, data)
        upload.read(3)
        check_upload(upload, "import")
        assert upload.read() == data
    check_upload(io.BytesIO(b"not an upload object, a plain stream"), "questions")


def test_a_file_larger_than_its_kind_allows_is_refused(settings):
    settings.LMS_UPLOAD_MAX_BYTES = {**settings.LMS_UPLOAD_MAX_BYTES, "import": 1000}
    error = refusal(b"x" * 1001, name="a.csv")
    assert error.code == "too_large"
    assert error.messages == ["文件大小为 1001\xa0字节，此处允许的最大文件为 1000\xa0字节。"]
    with translation.override("en"):
        error = refusal(b"x" * 1001, name="a.csv")
    assert error.messages == [
        "The file is 1001\xa0bytes; the largest allowed here is 1000\xa0bytes."
    ]
    check_upload(SimpleUploadedFile("a.csv", b"x" * 1000), "import")


def test_a_zip_bomb_workbook_is_refused_from_its_directory_alone(monkeypatch):
    """The security review: a 600 KB XLSX of 200,000 rows unpacked to 155 MB of XML and
    took a worker 100 s; now its central directory alone refuses it: no part is unpacked."""
    bomb = zip_bomb_xlsx()
    assert len(bomb) < 100_000

    def unpack(*args, **kwargs):
        raise AssertionError("a part of the file was unpacked")

    monkeypatch.setattr(zipfile.ZipFile, "open", unpack)
    monkeypatch.setattr(zipfile.ZipFile, "read", unpack)
    error = refusal(bomb)
    assert error.code == "too_compressed"
    with translation.override("zh-hans"):
        message = error.messages[0]
    assert "压缩" in message and "19.1" in message  # the unpacked size, in MB


def test_the_sum_of_the_parts_unpacked_is_bounded(settings):
    settings.LMS_UPLOAD_MAX_UNPACKED_BYTES = {"import": 1_000_000}
    parts = {f"part{n}.bin": bytes(range(256)) * 1000 for n in range(5)}  # 256 KB each
    assert refusal(packed(parts)).code == "too_large_unpacked"
    check_upload(SimpleUploadedFile("a.xlsx", packed(dict(list(parts.items())[:3]))), "import")


def test_a_file_of_too_many_parts_is_refused_before_its_directory_is_read(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_MEMBERS", 5)
    assert refusal(packed({f"{n}.xml": b"<a/>" for n in range(6)})).code == "too_many_parts"


def test_a_damaged_zip_is_refused():
    assert refusal(b"PK\x03\x04" + b"\x00" * 100).code == "damaged"
    good = packed({"a.xml": b"<a/>"})
    assert refusal(good[:-30] + b"\x00" * 30).code == "damaged"


def test_the_budget_counts_rows_and_seconds(settings):
    settings.LMS_UPLOAD_MAX_ROWS = {"import": 10}
    settings.LMS_UPLOAD_MAX_SECONDS = {"import": 60}
    now = [0.0]
    budget = Budget("import", clock=lambda: now[0])
    budget.check(10)
    with pytest.raises(ValidationError) as caught:
        budget.check(11)
    assert (caught.value.code, caught.value.params) == ("too_many_rows", {"max": 10})
    now[0] = 61.0
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        budget.check(5)
    assert (caught.value.code, caught.value.params) == ("too_slow", {"seconds": 60})
    assert "longer than 60 seconds" in caught.value.messages[0]
    Budget("evidence").check(10**9)  # a kind without such bounds


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown upload kind"):
        check_upload(io.BytesIO(b""), "video")


def test_drill_evidence_is_bounded(settings):
    settings.LMS_UPLOAD_MAX_BYTES = {**settings.LMS_UPLOAD_MAX_BYTES, "evidence": 100}
    photo = SimpleUploadedFile("p.png", b"\x89PNG" + b"\x00" * 200, content_type="image/png")
    form = EvidenceForm(data={"comment": ""}, files={"evidence": photo})
    assert not form.is_valid()
    assert form.errors["evidence"][0].startswith("文件大小为")


@pytest.fixture
def root_client(client, django_user_model, no_mfa_enforcement):
    """A superuser in the Wagtail admin, who may add images and documents anywhere."""
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    return client


@pytest.mark.django_db
def test_an_image_of_too_many_pixels_is_refused_in_the_admin(root_client, settings):
    """A decompression bomb: a few KB of PNG that opens as 64 million pixels."""
    from PIL import Image
    from wagtail.images import get_image_model
    from wagtail.models import Collection

    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, "PNG")
    assert len(out.getvalue()) < 100_000
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS < 8000 * 8000
    image = SimpleUploadedFile("map.png", out.getvalue(), content_type="image/png")
    root = Collection.get_first_root_node().pk
    response = root_client.post(
        "/cms/images/add/", {"title": "map", "file": image, "collection": root}
    )
    assert response.status_code == 200
    assert not get_image_model().objects.exists()


@pytest.mark.django_db
def test_a_zip_bomb_document_is_refused_in_the_admin(
    client, django_user_model, no_mfa_enforcement
):
    from wagtail.documents import get_document_model
    from wagtail.models import Collection

    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    root = Collection.get_first_root_node().pk
    bomb = SimpleUploadedFile("slides.pptx", zip_bomb_xlsx())
    response = client.post(
        "/cms/documents/add/", {"title": "slides", "file": bomb, "collection": root}
    )
    assert response.status_code == 200
    assert "压缩比过高" in response.content.decode()
    assert not get_document_model().objects.exists()
    fine = SimpleUploadedFile("notes.docx", xlsx([["a"]]))
    response = client.post(
        "/cms/documents/add/", {"title": "notes", "file": fine, "collection": root}
    )
    assert response.status_code == 302
    assert get_document_model().objects.get().title == "notes"


def test_the_bounds_come_from_the_environment(monkeypatch, settings):
    for key, value in {
        "DEBUG": "1",  # no SECRET_KEY needed
        "LMS_IMPORT_MAX_BYTES": "1234",
        "LMS_DOCUMENT_MAX_UNPACKED_BYTES": "5678",
        "LMS_QUESTIONS_MAX_UNPACKED_BYTES": "50",
        "LMS_IMPORT_MAX_SECONDS": "9",
        "LMS_UPLOAD_MAX_RATIO": "30",
        "LMS_IMAGE_MAX_BYTES": "4321",
    }.items():
        monkeypatch.setenv(key, value)
    base = runpy.run_path(str(Path(settings.BASE_DIR) / "lms" / "settings" / "base.py"))
    assert base["LMS_UPLOAD_MAX_BYTES"]["import"] == 1234
    assert base["LMS_UPLOAD_MAX_UNPACKED_BYTES"]["document"] == 5678
    assert base["LMS_UPLOAD_MAX_ROWS"] == {"import": 2_000_000}
    assert base["LMS_UPLOAD_MAX_UNPACKED_BYTES"]["questions"] == 50
    assert base["LMS_UPLOAD_MAX_SECONDS"]["import"] == 9
    assert base["LMS_UPLOAD_MAX_RATIO"] == 30
    assert base["WAGTAILIMAGES_MAX_UPLOAD_SIZE"] == 4321
    assert set(base["LMS_UPLOAD_MAX_BYTES"]) == set(uploads.KINDS)


WORKBOOK = xlsx([["工号", "姓名"], ["E1", "王喆"]])


@hypothesis_settings(deadline=None, max_examples=200)
@given(st.data())
def test_a_damaged_zip_is_refused_or_passed_never_a_crash(data):
    damaged = bytearray(WORKBOOK)
    for _damage in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(len(damaged) // 2, len(damaged) - 1))  # the directory
        damaged[position] = data.draw(st.integers(0, 255))
    try:
        check_upload(SimpleUploadedFile("a.xlsx", bytes(damaged)), "import")
    except ValidationError as error:
        assert error.code in {"damaged", "too_many_parts", "too_compressed", "too_large_unpacked"}


def test_the_evidence_field_states_the_limit_the_settings_give(settings):
    settings.LMS_UPLOAD_MAX_BYTES = {**settings.LMS_UPLOAD_MAX_BYTES, "evidence": 3 * 1024 * 1024}
    with translation.override("en"):
        assert EvidenceForm().fields["evidence"].help_text.startswith("At most 3.0\xa0MB.")
