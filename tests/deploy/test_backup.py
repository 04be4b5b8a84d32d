"""deploy/backup.sh and deploy/restore.sh, for real: back up, lose data, restore, and the data
is back. On a scratch PostgreSQL database (migrated as production is) and on an SQLite file.

The PostgreSQL part runs in the PostgreSQL run of the suite; without pg_dump or a reachable
server it is skipped, except in CI (CI=true), where it fails.
"""

import fnmatch
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection

DEPLOY = Path(settings.BASE_DIR) / "deploy"
# Configuration a script must not inherit from the shell that runs the tests.
NOT_INHERITED = (
    "DATABASE_URL",
    "MEDIA_ROOT",
    "PRIVATE_ROOT",
    "CACHE_URL",
    "CACHE_KEY_PREFIX",
    "REDIS_URL",
    "TASKS_BACKEND",
    "LMS_BACKUP_DIR",
    "LMS_BACKUP_S3",
)


def run(script, *args, check=True, **config):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in NOT_INHERITED and not k.startswith(("AWS_", "DJANGO_"))
    }
    env.update(PYTHON=sys.executable, **config)
    result = subprocess.run(
        [str(DEPLOY / script), *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if check and result.returncode != 0:
        pytest.fail(f"{script} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def files(tmp_path):
    """A media folder with a picture and a private folder with a certificate PDF."""
    media, private = tmp_path / "media", tmp_path / "private"
    (media / "original_images").mkdir(parents=True)
    (media / "original_images" / "封面.jpg").write_bytes(b"\xff\xd8\xff" + os.urandom(2048))
    (private / "certificates" / "2026").mkdir(parents=True)
    (private / "certificates" / "2026" / "cert.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(4096))
    return {"MEDIA_ROOT": str(media), "PRIVATE_ROOT": str(private)}


REDIS_URL = "redis://127.0.0.1:6379/15"
PAGES_VERSION = "lms:1:lms:pages-version"  # Django's key of lms.platform.routing.VERSION_KEY
USER_VERSION = "lms:1:lms:user-version:42"  # a person's token (lms.platform.user_cache)


def redis_client():
    import redis

    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)


def pages_version_cached(config: dict) -> None:
    """Point `config` at a Redis database holding a pages' version (skip without Redis)."""
    import redis

    try:
        redis_client().set(PAGES_VERSION, "before-the-restore")
        redis_client().set(USER_VERSION, "before-the-restore")
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}; CI must test it.")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    config["CACHE_URL"] = REDIS_URL


def test_the_key_is_the_sites():
    from lms.platform import routing, user_cache
    from lms.platform.cache import RedisCache

    sys.path.insert(0, str(DEPLOY))
    try:
        import backup_config
    finally:
        sys.path.pop(0)
    assert backup_config.PAGES_VERSION_KEY == routing.VERSION_KEY
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": "lms"})
    assert cache.make_key(routing.VERSION_KEY) == PAGES_VERSION
    version_key, _user_key = user_cache._keys(42)
    assert cache.make_key(version_key) == USER_VERSION
    assert fnmatch.fnmatch(USER_VERSION, cache.make_key(backup_config.USER_VERSION_KEYS))


def snapshot(folder: str) -> dict[str, str]:
    root = Path(folder)
    return {p.relative_to(root).as_posix(): sha256(p) for p in root.rglob("*") if p.is_file()}


def lose_files(config):
    """What an operator fears: a file deleted, one overwritten, a stray one added."""
    media, private = Path(config["MEDIA_ROOT"]), Path(config["PRIVATE_ROOT"])
    (media / "original_images" / "封面.jpg").unlink()
    (private / "certificates" / "2026" / "cert.pdf").write_bytes(b"overwritten")
    (private / "stray.csv").write_text("not in the backup")


def check_archive(archive: Path, engine: str):
    database_file = "database.pgdump" if engine == "postgresql" else "database.sqlite3"
    assert archive.name.startswith("lms-backup-")
    assert sorted(p.name for p in archive.iterdir()) == sorted(
        ["SHA256SUMS", "manifest.txt", database_file, "media.tar.gz", "private.tar.gz"]
    )
    manifest = dict(
        line.split("=", 1) for line in (archive / "manifest.txt").read_text().splitlines()
    )
    assert manifest["database_engine"] == engine
    assert manifest["database_file"] == database_file
    sums = dict(
        reversed(line.split("  ", 1)) for line in (archive / "SHA256SUMS").read_text().splitlines()
    )
    assert set(sums) == {"manifest.txt", database_file, "media.tar.gz", "private.tar.gz"}
    assert all(sums[name] == sha256(archive / name) for name in sums)
    # Everyone's records: readable by the owner only.
    assert (archive / database_file).stat().st_mode & 0o077 == 0


def refused_and_damaged(archive: Path, tmp_path: Path, config: dict, name: str) -> None:
    """Restoring without --yes, over a database that holds tables without naming it, or from a
    damaged copy, changes nothing."""
    refused = run("restore.sh", archive, check=False, **config)
    assert refused.returncode == 2
    assert "--yes" in refused.stderr
    assert "tables: REPLACED" in refused.stdout

    for named in ((), ("--overwrite", "lms"), ("--overwrite", name + "x")):
        result = run("restore.sh", "--yes", *named, archive, check=False, **config)
        assert result.returncode == 1, named
        assert f"add --overwrite {name} (nothing was changed)" in result.stderr

    damaged = tmp_path / "damaged" / archive.name
    shutil.copytree(archive, damaged)
    with (damaged / "media.tar.gz").open("r+b") as handle:
        handle.seek(20)
        handle.write(b"\x00\x01\x02")
    result = run("restore.sh", "--yes", "--overwrite", name, damaged, check=False, **config)
    assert result.returncode == 1
    assert "damaged" in result.stderr and "nothing was changed" in result.stderr


# SQLite -----------------------------------------------------------------------------------


def test_sqlite_backup_and_restore_bring_back_rows_and_files(tmp_path, files):
    path = tmp_path / "site" / "db.sqlite3"
    path.parent.mkdir()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")  # as the site runs it
        db.execute("CREATE TABLE staff (number TEXT PRIMARY KEY, name TEXT)")
        db.executemany("INSERT INTO staff VALUES (?, ?)", [("E1", "王喆"), ("E2", "李堃")])
    config = {"DATABASE_URL": f"sqlite:///{path}", **files}
    media, private = snapshot(files["MEDIA_ROOT"]), snapshot(files["PRIVATE_ROOT"])

    archive = Path(run("backup.sh", tmp_path / "backups", **config).stdout.splitlines()[-1])
    # The app servers' shared cache, with the pages cached from the database before.
    pages_version_cached(config)

    check_archive(archive, "sqlite")
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM staff WHERE number = 'E1'")
        db.execute("UPDATE staff SET name = '刘䶮' WHERE number = 'E2'")
        db.execute("INSERT INTO staff VALUES ('E3', 'after the backup')")
    lose_files(files)
    refused_and_damaged(archive, tmp_path, config, str(path))
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM staff").fetchone() == (2,)  # untouched

    result = run("restore.sh", "--yes", "--overwrite", path, archive, **config)

    assert "database restored" in result.stdout
    assert "page cache: forgotten" in result.stdout
    assert redis_client().get(PAGES_VERSION) is None  # every app server renders afresh
    assert redis_client().get(USER_VERSION) is None  # and reads the people afresh
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT number, name FROM staff ORDER BY number").fetchall()
    assert rows == [("E1", "王喆"), ("E2", "李堃")]
    assert snapshot(files["MEDIA_ROOT"]) == media
    assert snapshot(files["PRIVATE_ROOT"]) == private


def env_file(path: Path, **variables) -> Path:
    """An environment file as systemd reads it (values unquoted, `&` and all)."""
    path.write_text("".join(f"{key}={value}\n" for key, value in variables.items()))
    return path


def sqlite_site(path: Path, *rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE staff (number TEXT PRIMARY KEY, name TEXT)")
        db.executemany("INSERT INTO staff VALUES (?, ?)", rows)


def staff_of(path: Path) -> list:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT number, name FROM staff ORDER BY number").fetchall()


def test_a_spare_site_is_restored_from_its_env_file_not_the_callers_environment(tmp_path, files):
    """The shell has production's configuration (as on production's machine); the env file
    names the spare site's database, files and cache prefix: the spare site is made, production
    and its cached keys are untouched."""
    from tests.faults.redis_server import RedisServer

    production = tmp_path / "production" / "db.sqlite3"
    sqlite_site(production, ("E1", "王喆"), ("E2", "李堃"))
    archive = Path(
        run(
            "backup.sh", tmp_path / "backups", DATABASE_URL=f"sqlite:///{production}", **files
        ).stdout.splitlines()[-1]
    )
    with sqlite3.connect(production) as db:
        db.execute("INSERT INTO staff VALUES ('E3', 'after the backup')")
    spare = tmp_path / "spare" / "db.sqlite3"  # not there yet

    with RedisServer() as redis_server:
        keys = redis_server.client()
        keys.set("lms:1:lms:pages-version", "production's")
        keys.set("lms-spare:1:lms:pages-version", "the spare site's")
        spare_env = env_file(
            tmp_path / "spare.env",
            DATABASE_URL=f"sqlite:///{spare}",
            MEDIA_ROOT=tmp_path / "spare" / "media",
            PRIVATE_ROOT=tmp_path / "spare" / "private",
            CACHE_URL=f"{redis_server.url}?socket_connect_timeout=2&socket_timeout=2",
            CACHE_KEY_PREFIX="lms-spare",
        )
        callers = {"DATABASE_URL": f"sqlite:///{production}", **files}

        shown = run("restore.sh", "--env-file", spare_env, archive, check=False, **callers)
        assert shown.returncode == 2
        assert f"sqlite {spare} (created)" in shown.stdout
        assert "keys lms-spare:*" in shown.stdout
        result = run("restore.sh", "--env-file", spare_env, "--yes", archive, **callers)

        assert "page cache: forgotten" in result.stdout
        assert keys.get("lms-spare:1:lms:pages-version") is None
        assert keys.get("lms:1:lms:pages-version") == b"production's"  # not the spare's
    assert staff_of(spare) == [("E1", "王喆"), ("E2", "李堃")]
    assert len(staff_of(production)) == 3  # untouched
    assert snapshot(str(tmp_path / "spare" / "media")) == snapshot(files["MEDIA_ROOT"])

    # Restoring again: the spare database now holds tables, and is replaced only by name.
    again = run("restore.sh", "--env-file", spare_env, "--yes", archive, check=False, **callers)
    assert again.returncode == 1 and f"--overwrite {spare}" in again.stderr


def test_an_env_file_that_names_no_database_is_refused(tmp_path, files):
    production = tmp_path / "production.sqlite3"
    sqlite_site(production, ("E1", "王喆"))
    archive = run(
        "backup.sh", tmp_path / "backups", DATABASE_URL=f"sqlite:///{production}", **files
    )
    no_database = env_file(tmp_path / "spare.env", MEDIA_ROOT=tmp_path / "spare-media")

    for script, args in (
        ("restore.sh", ("--yes", archive.stdout.splitlines()[-1])),
        ("backup.sh", (tmp_path / "more-backups",)),
    ):
        result = run(
            script,
            "--env-file",
            no_database,
            *args,
            check=False,
            DATABASE_URL=f"sqlite:///{production}",
            **files,
        )
        assert result.returncode == 1, script
        assert "names no DATABASE_URL" in result.stderr
    assert staff_of(production) == [("E1", "王喆")]


def test_restore_refuses_to_empty_the_code_s_folder_or_the_root(tmp_path, files):
    # The scripts run from a copy of the code, so that a mistake here empties only the copy.
    code = tmp_path / "code"
    shutil.copytree(DEPLOY, code / "deploy")
    (code / "manage.py").write_text("# the code\n")
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE kept (x)")
    config = {"DATABASE_URL": f"sqlite:///{path}", **files, "PYTHONPATH": settings.BASE_DIR}
    backup = subprocess.run(
        [str(code / "deploy" / "backup.sh"), str(tmp_path / "backups")],
        env={**os.environ, **{k: str(v) for k, v in config.items()}, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        check=True,
    )
    archive = backup.stdout.splitlines()[-1]
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE kept")

    for media_root in (str(code), str(code / ".."), "/"):
        result = subprocess.run(
            [str(code / "deploy" / "restore.sh"), "--yes", archive],
            env={
                **os.environ,
                **{k: str(v) for k, v in config.items()},
                "PYTHON": sys.executable,
                "MEDIA_ROOT": media_root,
            },
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 1, result.stdout
        assert "refusing to empty" in result.stderr and "MEDIA_ROOT" in result.stderr
    assert (code / "manage.py").exists()
    with sqlite3.connect(path) as db:  # refused before the database was touched
        assert db.execute("SELECT name FROM sqlite_master WHERE name = 'kept'").fetchall() == []


def test_old_archives_beyond_keep_are_deleted(tmp_path, files):
    path = tmp_path / "db.sqlite3"
    sqlite3.connect(path).close()
    config = {"DATABASE_URL": f"sqlite:///{path}", **files}
    backups = tmp_path / "backups"
    for stamp in ("20250101T000000Z", "20250102T000000Z", "20250103T000000Z"):
        (backups / f"lms-backup-{stamp}").mkdir(parents=True)

    newest = Path(run("backup.sh", "--keep", "2", backups, **config).stdout.splitlines()[-1])

    assert sorted(p.name for p in backups.iterdir()) == [
        "lms-backup-20250103T000000Z",
        newest.name,
    ]


def test_a_failed_backup_leaves_no_archive(tmp_path, files):
    config = {"DATABASE_URL": f"sqlite:///{tmp_path / 'missing.sqlite3'}", **files}

    result = run("backup.sh", tmp_path / "backups", check=False, **config)

    assert result.returncode == 1
    assert "no SQLite database" in result.stderr
    assert list((tmp_path / "backups").iterdir()) == []


# PostgreSQL -------------------------------------------------------------------------------


def postgres_server() -> dict:
    """The PostgreSQL server of this test run; skipped (failed in CI) when there is none."""

    def unavailable(reason):
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: CI must test the PostgreSQL backup")
        pytest.skip(reason)

    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL run of the suite (make test-postgres)")
    for tool in ("pg_dump", "pg_restore"):
        if not shutil.which(tool):
            unavailable(f"{tool} is not installed (apt-get install postgresql-client)")
    db = connection.settings_dict
    return {
        "host": db["HOST"] or "127.0.0.1",
        "port": int(db["PORT"] or 5432),
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
    }


@pytest.fixture
def scratch_database():
    """A new, empty PostgreSQL database (lms_backup_test_<pid>), dropped afterwards."""
    import psycopg

    server = postgres_server()
    name = f"lms_backup_test_{os.getpid()}"
    admin = psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **server)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    auth = f"{server['user']}:{server['password']}" if server["password"] else server["user"]
    url = f"postgres://{auth}@{server['host']}:{server['port']}/{name}"
    try:
        yield url
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def manage(url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.base",
        DATABASE_URL=url,
        SECRET_KEY="backup-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        MEDIA_ROOT=str(tmp_path / "unused-media"),
        PRIVATE_ROOT=str(tmp_path / "unused-private"),
        TASKS_BACKEND="immediate",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def test_postgresql_backup_and_restore_bring_back_rows_and_files(
    scratch_database, tmp_path, files
):
    import psycopg

    manage(scratch_database, tmp_path, "migrate", "--noinput", "-v0")
    parts = urlsplit(scratch_database)

    def sql(query, *params):
        with psycopg.connect(
            host=parts.hostname,
            port=parts.port,
            user=parts.username,
            password=parts.password,
            dbname=parts.path.lstrip("/"),
            autocommit=True,
        ) as db:
            cursor = db.execute(query, params or None)
            return cursor.fetchall() if cursor.description else None

    sql("INSERT INTO auth_group (name) VALUES ('华东区培训师'), ('华南区培训师'), ('人力资源')")
    groups = sql("SELECT id, name FROM auth_group ORDER BY id")
    policies = sql("SELECT version FROM assessments_scoringpolicy ORDER BY version")
    assert policies  # the migrations' own data, there too
    config = {"DATABASE_URL": scratch_database, **files}
    media, private = snapshot(files["MEDIA_ROOT"]), snapshot(files["PRIVATE_ROOT"])

    archive = Path(run("backup.sh", tmp_path / "backups", **config).stdout.splitlines()[-1])

    check_archive(archive, "postgresql")
    sql("DELETE FROM auth_group WHERE name = '人力资源'")
    sql("UPDATE auth_group SET name = '改名' WHERE name = '华东区培训师'")
    sql("INSERT INTO auth_group (name) VALUES ('after the backup')")
    lose_files(files)
    name = parts.path.lstrip("/")
    refused_and_damaged(archive, tmp_path, config, name)
    # The refused restores changed nothing.
    assert "改名" in {name for (name,) in sql("SELECT name FROM auth_group")}

    result = run("restore.sh", "--yes", "--overwrite", name, archive, **config)

    assert "database restored" in result.stdout
    assert sql("SELECT id, name FROM auth_group ORDER BY id") == groups
    assert {"华东区培训师", "华南区培训师", "人力资源"} <= {name for _id, name in groups}
    assert sql("SELECT version FROM assessments_scoringpolicy ORDER BY version") == policies
    assert snapshot(files["MEDIA_ROOT"]) == media
    assert snapshot(files["PRIVATE_ROOT"]) == private
    # The restored database is the site's, every migration recorded as applied.
    manage(scratch_database, tmp_path, "migrate", "--check")


def test_postgresql_restore_creates_a_spare_database_and_keeps_production(
    scratch_database, tmp_path, files
):
    """Production (the scratch database, migrated) is what the shell points at; the env file
    names a database that does not exist yet: it is created and filled, production kept."""
    import psycopg

    manage(scratch_database, tmp_path, "migrate", "--noinput", "-v0")
    archive = Path(
        run(
            "backup.sh", tmp_path / "backups", DATABASE_URL=scratch_database, **files
        ).stdout.splitlines()[-1]
    )
    production = urlsplit(scratch_database)
    spare_name = production.path.lstrip("/") + "_spare"
    spare_url = scratch_database.rsplit("/", 1)[0] + "/" + spare_name
    spare_env = env_file(
        tmp_path / "spare.env",
        DATABASE_URL=spare_url,
        MEDIA_ROOT=tmp_path / "spare-media",
        PRIVATE_ROOT=tmp_path / "spare-private",
    )
    server = postgres_server()
    admin = psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **server)
    try:
        result = run(
            "restore.sh", "--env-file", spare_env, "--yes", archive,
            DATABASE_URL=scratch_database, **files,
        )  # fmt: skip

        assert f"{spare_name} created" in result.stdout
        manage(spare_url, tmp_path, "migrate", "--check")  # every migration there
        # Over production, only by its name.
        refused = run(
            "restore.sh", "--yes", archive, check=False, DATABASE_URL=scratch_database, **files
        )
        assert refused.returncode == 1
        assert f"add --overwrite {production.path.lstrip('/')}" in refused.stderr
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{spare_name}" WITH (FORCE)')
        admin.close()
