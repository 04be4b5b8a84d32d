"""The production settings that the environment switches: the task backend, and files on
S3-compatible storage (on moto's in-process S3: no network), and deploy/env.example."""

import datetime
import os
import runpy
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from assessments.models import Certificate
from tests.factories import PDF, make_certificate, make_cycle

# What the probed settings must not take from the shell that runs the tests.
CONFIG = (
    "DEBUG",
    "TASKS_BACKEND",
    "CACHE_URL",
    "CACHE_KEY_PREFIX",
    "REDIS_URL",
    "DATABASE_URL",
    "MEDIA_ROOT",
    "PRIVATE_ROOT",
)


def base_settings(monkeypatch, **env) -> dict:
    """lms.settings.base as it comes out of the given environment."""
    for key in list(os.environ):
        if key in CONFIG or key.startswith("AWS_"):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(Path(django_settings.BASE_DIR) / "lms" / "settings" / "base.py"))


# The task backend ------------------------------------------------------------------------


def test_tasks_run_in_the_request_unless_told_otherwise(monkeypatch):
    found = base_settings(monkeypatch)

    assert found["TASKS"]["default"]["BACKEND"].endswith("ImmediateBackend")
    # The queue's table is migrated everywhere, whichever backend runs the tasks.
    assert "django_tasks_db" in found["INSTALLED_APPS"]


def test_the_database_backend_with_a_shared_cache(monkeypatch):
    found = base_settings(
        monkeypatch, TASKS_BACKEND="database", CACHE_URL="redis://127.0.0.1:6379/0"
    )

    assert found["TASKS"] == {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_spare_site_sharing_the_redis_has_keys_of_its_own(monkeypatch):
    production = base_settings(monkeypatch, CACHE_URL="redis://127.0.0.1:6379/0")
    spare = base_settings(
        monkeypatch, CACHE_URL="redis://127.0.0.1:6379/0", CACHE_KEY_PREFIX="lms-spare"
    )

    assert production["CACHES"]["default"]["KEY_PREFIX"] == "lms"
    assert spare["CACHES"]["default"]["KEY_PREFIX"] == "lms-spare"
    assert spare["CACHES"]["default"]["BACKEND"] == "lms.platform.cache.RedisCache"
    assert spare["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


def test_the_database_backend_refuses_a_cache_of_its_own(monkeypatch):
    # Workers write the progress of imports and cycles where the app servers read it.
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        base_settings(monkeypatch, TASKS_BACKEND="database")


def test_an_unknown_task_backend_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="immediate, database"):
        base_settings(monkeypatch, TASKS_BACKEND="celery")


# Files on S3 -------------------------------------------------------------------------------


def test_without_a_bucket_files_stay_on_disk(monkeypatch):
    found = base_settings(monkeypatch, PRIVATE_ROOT="/srv/lms-data/private")

    assert found["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")
    assert found["STORAGES"]["private"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": "/srv/lms-data/private"},
    }


@pytest.fixture
def s3(monkeypatch):
    """An empty S3 with the buckets lms-media and lms-private."""
    from moto import mock_aws

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="lms-media")
        client.create_bucket(Bucket="lms-private")
        yield client


@pytest.fixture
def on_s3(s3, monkeypatch, settings):
    """The site's storages as the environment below makes them, in force for the test."""
    found = base_settings(
        monkeypatch,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_STORAGE_BUCKET_NAME="lms-media",
        AWS_PRIVATE_STORAGE_BUCKET_NAME="lms-private",
        AWS_S3_REGION_NAME="us-east-1",
        AWS_S3_CUSTOM_DOMAIN="media.lms.example.com",
        AWS_QUERYSTRING_AUTH="false",
    )
    settings.STORAGES = {**found["STORAGES"], "staticfiles": settings.STORAGES["staticfiles"]}
    return s3


@pytest.fixture
def cycle():
    return make_cycle("2026年第三季度考核", starts_on=datetime.date(2026, 7, 1))


def keys(s3, bucket: str) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_private_files_go_to_their_own_bucket_with_short_signed_urls_only(on_s3):
    private = storages["private"]

    name = private.save("certificates/2026/cert.pdf", ContentFile(PDF))

    assert keys(on_s3, "lms-private") == [f"private/{name}"]
    assert keys(on_s3, "lms-media") == []
    with private.open(name, "rb") as handle:
        assert handle.read() == PDF
    url = urlsplit(private.url(name))
    # Never through the public domain, always signed, valid for 5 minutes.
    assert url.hostname != "media.lms.example.com"
    query = parse_qs(url.query)
    assert "X-Amz-Signature" in query and query["X-Amz-Expires"] == ["300"]
    # No ACL was sent: nobody but the owner may read it.
    grants = on_s3.get_object_acl(Bucket="lms-private", Key=f"private/{name}")["Grants"]
    assert [g["Grantee"].get("URI") for g in grants] == [None]


def test_uploads_go_to_the_media_prefix_served_from_the_custom_domain(on_s3):
    media = storages["default"]

    first = media.save("original_images/封面.jpg", ContentFile(b"one"))
    second = media.save("original_images/封面.jpg", ContentFile(b"two"))

    assert first != second  # the second upload did not overwrite the first
    assert sorted(keys(on_s3, "lms-media")) == sorted([f"media/{first}", f"media/{second}"])
    assert media.url(first).startswith("https://media.lms.example.com/media/original_images/")
    assert "X-Amz-Signature" not in media.url(first)


@pytest.mark.django_db
def test_a_certificate_pdf_on_s3_is_streamed_to_its_holder(
    on_s3, monkeypatch, people, cycle, login
):
    # The model's field took its storage when the models were loaded (with the test settings).
    monkeypatch.setattr(Certificate._meta.get_field("pdf"), "storage", storages["private"])
    user = people["learner"].user
    certificate = make_certificate(user, cycle=cycle)
    assert keys(on_s3, "lms-private") == [f"private/{certificate.pdf.name}"]
    client = login(user)

    response = client.get(f"/certificates/{certificate.pk}/download/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    on_s3.delete_object(Bucket="lms-private", Key=f"private/{certificate.pdf.name}")
    assert client.get(f"/certificates/{certificate.pk}/download/").status_code == 404


def test_backup_copies_s3_prefixes_and_restore_puts_back_exactly_them(on_s3, tmp_path):
    sys.path.insert(0, str(Path(django_settings.BASE_DIR) / "deploy"))
    try:
        import backup_config
    finally:
        sys.path.pop(0)
    on_s3.put_object(Bucket="lms-private", Key="private/imports/a.csv", Body=b"a")
    on_s3.put_object(Bucket="lms-private", Key="private/certificates/b.pdf", Body=b"b")
    on_s3.put_object(Bucket="lms-private", Key="elsewhere/c.txt", Body=b"c")

    copied = backup_config.s3_download("lms-private", "private", tmp_path / "copy", on_s3)

    assert copied == 2
    assert (tmp_path / "copy" / "certificates" / "b.pdf").read_bytes() == b"b"
    on_s3.delete_object(Bucket="lms-private", Key="private/imports/a.csv")
    on_s3.put_object(Bucket="lms-private", Key="private/stray.pdf", Body=b"after")

    backup_config.s3_upload(tmp_path / "copy", "lms-private", "private", on_s3)

    assert sorted(keys(on_s3, "lms-private")) == [
        "elsewhere/c.txt",  # outside the prefix: left alone
        "private/certificates/b.pdf",
        "private/imports/a.csv",
    ]


# deploy/env.example --------------------------------------------------------------------------


def test_the_example_configuration_passes_the_deploy_check(tmp_path):
    example = Path(django_settings.BASE_DIR) / "deploy" / "env.example"
    # Read as a shell reads it (and as systemd does: KEY=value lines; deploy/backup.sh and
    # restore.sh read their --env-file with python-environ, as the site reads .env).
    loaded = subprocess.run(
        ["bash", "-c", 'set -a; . "$1"; set +a; env -0', "bash", str(example)],
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        check=True,
    ).stdout
    env = dict(item.split("=", 1) for item in loaded.decode().split("\0") if "=" in item)
    assert env["TASKS_BACKEND"] == "database" and env["AWS_STORAGE_BUCKET_NAME"]
    env.update(
        PATH=os.environ["PATH"],
        DJANGO_SETTINGS_MODULE="lms.settings.base",
        SECRET_KEY="an-example-secret-key-that-is-long-and-random-0123456789-abcdefghij",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
