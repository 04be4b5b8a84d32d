"""Operator-facing behaviour: the deploy check and the demo data command."""

import io
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

from lms.demo import company
from lms.models import OrgUnit, StaffProfile, User

# Variables a test's subprocess must not inherit from the shell that runs the suite.
INHERITED_CONFIG = (
    "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "CACHE_URL", "EMAIL_URL", "DEBUG", "TASKS_BACKEND",
)  # fmt: skip


def manage(*args, tmp_path, **env):
    """Run manage.py with the base settings and only the configuration given here."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "AWS_")) and k not in INHERITED_CONFIG
    }
    clean.update(
        DJANGO_SETTINGS_MODULE="lms.settings.base",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        **env,
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "lms.example.com",
}


def test_deploy_check_is_clean_with_production_values(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        **PRODUCTION,
        BASE_URL="https://lms.example.com",
        REDIS_URL="redis://127.0.0.1:6379/1",
        EMAIL_URL="smtp://mailer:secret@smtp.example.com:587/?tls=True",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage("check", tmp_path=tmp_path, DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_seed_demo_twice_gives_the_same_data():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (OrgUnit.objects.count(), StaffProfile.objects.count(), User.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == (OrgUnit.objects.count(), StaffProfile.objects.count(), User.objects.count())
    assert 35 <= StaffProfile.objects.count() <= 45
    assert OrgUnit.objects.filter(kind="station").count() == 4
    assert OrgUnit.objects.filter(kind="region").count() == 2
    for name in ("王喆", "李堃", "刘䶮"):
        assert StaffProfile.objects.filter(full_name=name).exists()
    for number, *_rest, roles, _units, _email in company.DEMO_ACCOUNTS:
        user = User.objects.get(username=number)
        assert user.check_password(company.DEMO_PASSWORD)
        assert set(user.groups.values_list("name", flat=True)) == set(roles)


@pytest.mark.django_db
def test_demo_accounts_can_sign_in(client, settings):
    settings.LMS_ENFORCE_MFA = False
    call_command("seed_demo", stdout=io.StringIO())
    response = client.post(
        "/accounts/login/", {"login": "T0001", "password": company.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    page = client.get("/staff/").content.decode()
    assert "E1001" in page and "E1016" not in page  # east trainer: not the south


def test_deploy_check_warns_when_rate_limits_are_off(tmp_path):
    result = manage(
        "check", "--deploy", tmp_path=tmp_path, **PRODUCTION, CACHE_URL="dummycache://"
    )
    assert "lms.W001" in result.stdout + result.stderr


@pytest.mark.django_db
def test_invite_staff_prints_working_links(make_staff):
    from django.core import mail
    from django.core.management.base import CommandError

    make_staff(number="V001", email="v@example.com", password="")
    make_staff(number="V002", password="")
    out = io.StringIO()
    call_command("invite_staff", "V001", "V002", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["V001", "V002"]
    assert "/accounts/password/reset/key/" in lines[1]
    assert len(mail.outbox) == 1
    with pytest.raises(CommandError, match="NOPE"):
        call_command("invite_staff", "V001", "NOPE", stdout=io.StringIO())
    assert len(mail.outbox) == 1  # nothing sent when any number is wrong


def test_deploy_check_is_clean_on_a_single_server_without_redis(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, **PRODUCTION
    )
    assert result.returncode == 0, result.stdout + result.stderr
