"""Uploaded images on disk are served by the application with DEBUG off, cached for a year;
documents only through their checked address, private files never by URL."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image

from lms.platform.files import private_storage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production(settings, tmp_path):
    settings.DEBUG = False
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


def uploaded_image() -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (320, 200), "#1d4ed8").save(buffer, "PNG")
    return Image.objects.create(title="封面", file=ImageFile(buffer, name="cover.png"))


def test_a_rendition_and_its_original_are_served_and_cached_for_a_year(client):
    image = uploaded_image()
    rendition = image.get_rendition("fill-160x100")
    assert rendition.url.startswith("/media/images/")

    for url, file in ((rendition.url, rendition.file), (image.file.url, image.file)):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "image/png"
        assert "max-age=31536000" in response["Cache-Control"]
        assert "public" in response["Cache-Control"]
        file.open("rb")
        assert b"".join(response.streaming_content) == file.read()
        file.close()
        assert not response.cookies  # no session for an image

    # A browser asking again is told it has it already.
    last_modified = client.get(rendition.url)["Last-Modified"]
    assert client.get(rendition.url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert client.post(rendition.url).status_code == 405
    assert client.get("/media/images/missing.png").status_code == 404


def test_documents_only_through_their_checked_address(client):
    document = Document.objects.create(
        title="操作手册", file=ContentFile(b"%PDF-1.7 manual", name="manual.pdf")
    )
    assert document.file.url.startswith("/media/documents/")

    assert client.get(document.file.url).status_code == 404
    assert client.get(document.url).status_code == 200  # /documents/<id>/<name>, checked


def test_private_files_are_never_reached_by_url(client):
    name = private_storage().save("certificates/2026/cert.pdf", ContentFile(b"%PDF-1.7 secret"))

    for url in (
        private_storage().url(name),  # /media/certificates/... : the storage's own idea
        f"/media/{name}",
        f"/media/images/../../private/{name}",
        f"/media/original_images/%2e%2e/%2e%2e/private/{name}",
    ):
        assert client.get(url).status_code == 404, url
