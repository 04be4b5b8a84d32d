"""What deploy/backup.sh and deploy/restore.sh need to know, read the way the site reads it.

Prints shell assignments (quoted for `eval`) of the database and file locations, from the
environment and the `.env` file beside manage.py (lms/settings/env.py), with the settings'
defaults:

    DB_ENGINE (postgresql or sqlite), DB_NAME, DB_HOST, DB_PORT, DB_USER, DB_PASSWORD,
    MEDIA_ROOT, PRIVATE_ROOT, S3_BUCKET, S3_PRIVATE_BUCKET, S3_MEDIA_LOCATION,
    S3_PRIVATE_LOCATION, S3_ENDPOINT_URL, S3_REGION, CACHE_LOCATION, CACHE_KEY_PREFIX,
    BACKUP_DIR, BACKUP_S3

`--env-file FILE` first (every command): FILE's variables (KEY=value lines, as systemd's
EnvironmentFile) are read before anything and win over the caller's environment and the
`.env` file; FILE must name DATABASE_URL, so that the database is never the one the shell
running the script happens to point at. What FILE does not set comes from the environment.

`database-state` prints `missing`, `empty` or `tables N` (the configured database: absent,
there with no table, holding N tables); `create-database` creates it (PostgreSQL; an SQLite
file is made by the restore itself).

Also `s3-download BUCKET PREFIX FOLDER` and `s3-upload FOLDER BUCKET PREFIX` (boto3, with the
same credentials as the site): the files of S3-compatible storage, copied to or from a folder,
for the backup archive. `s3-upload` also deletes the objects under PREFIX that the folder does
not have, so that the bucket is as it was at the backup.

And `forget-pages`: after a restore, the pages' version in the shared cache (Redis), under the
site's own CACHE_KEY_PREFIX (a spare site's, not production's), is dropped,
so that no app server serves a page, a site or a lesson's body cached from the database as it
was before (lms/platform/routing.py), and so are the people's tokens
(lms/platform/user_cache.py): no one is signed in, or holds a role, as the database before the
restore said.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from lms.settings.env import env  # noqa: E402

# lms.platform.routing.VERSION_KEY (that module needs Django set up; this script does not set
# it up).
PAGES_VERSION_KEY = "lms:pages-version"
USER_VERSION_KEYS = "lms:user-version:*"  # lms.platform.user_cache
ENGINES = {
    "django.db.backends.postgresql": "postgresql",
    "django.db.backends.sqlite3": "sqlite",
}


def config() -> dict[str, str]:
    db = _database()
    engine = ENGINES.get(db["ENGINE"])
    if engine is None:
        raise SystemExit(f"backup: unsupported database engine {db['ENGINE']}")
    bucket = env.str("AWS_STORAGE_BUCKET_NAME", default="")
    return {
        "DB_ENGINE": engine,
        "DB_NAME": str(db.get("NAME") or ""),
        "DB_HOST": str(db.get("HOST") or ""),
        "DB_PORT": str(db.get("PORT") or ""),
        "DB_USER": str(db.get("USER") or ""),
        "DB_PASSWORD": str(db.get("PASSWORD") or ""),
        "MEDIA_ROOT": str(env.path("MEDIA_ROOT", default=BASE_DIR / "media")),
        "PRIVATE_ROOT": str(env.path("PRIVATE_ROOT", default=BASE_DIR / "private")),
        "S3_BUCKET": bucket,
        "S3_PRIVATE_BUCKET": env.str("AWS_PRIVATE_STORAGE_BUCKET_NAME", default=bucket),
        "S3_MEDIA_LOCATION": env.str("AWS_MEDIA_LOCATION", default="media"),
        "S3_PRIVATE_LOCATION": env.str("AWS_PRIVATE_LOCATION", default="private"),
        "S3_ENDPOINT_URL": env.str("AWS_S3_ENDPOINT_URL", default=""),
        "S3_REGION": env.str("AWS_S3_REGION_NAME", default=""),
        "CACHE_LOCATION": _cache()["LOCATION"]
        if _cache()["BACKEND"].endswith("RedisCache")
        else "",
        "CACHE_KEY_PREFIX": _cache().get("KEY_PREFIX", ""),
        "BACKUP_DIR": env.str("LMS_BACKUP_DIR", default=""),
        "BACKUP_S3": env.str("LMS_BACKUP_S3", default="copy"),
    }


def read_env_file(path: str) -> None:
    """FILE's variables into the environment, over what the caller's environment holds."""
    file = Path(path)
    if not file.is_file():
        raise SystemExit(f"cannot read {path}")
    named = {
        line.split("=", 1)[0].removeprefix("export ").strip()
        for line in file.read_text().splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }
    if "DATABASE_URL" not in named:
        raise SystemExit(
            f"{path} names no DATABASE_URL: refusing to take the database from the environment"
        )
    env.read_env(str(file), overwrite=True)


def _cache() -> dict:
    from lms.settings.env import cache_config

    url = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
    return cache_config(url, prefix=env.str("CACHE_KEY_PREFIX", default="lms"))


def _database() -> dict:
    return env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")


def _postgres(dbname: str):
    import psycopg

    db = _database()
    return psycopg.connect(
        dbname=dbname,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        autocommit=True,
        connect_timeout=10,
    )


def database_state() -> str:
    """`missing`, `empty` or `tables N`: the configured database."""
    db = _database()
    name = str(db.get("NAME") or "")
    if config()["DB_ENGINE"] == "sqlite":
        import sqlite3

        if not Path(name).exists():
            return "missing"
        with sqlite3.connect(f"file:{name}?mode=ro", uri=True) as connection:
            (count,) = connection.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()
    else:
        with _postgres("postgres") as server:
            there = server.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
        if not there:
            return "missing"
        with _postgres(name) as database:
            (count,) = database.execute(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
            ).fetchone()
    return f"tables {count}" if count else "empty"


def create_database() -> None:
    from psycopg import sql

    name = str(_database().get("NAME") or "")
    with _postgres("postgres") as server:
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def s3_client():
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        region_name=env.str("AWS_S3_REGION_NAME", default="") or None,
    )


def _prefix(prefix: str) -> str:
    prefix = prefix.strip("/")
    return f"{prefix}/" if prefix else ""


def s3_download(bucket: str, prefix: str, folder: Path, client=None) -> int:
    """Copy every object under `prefix` to `folder` (keys relative to the prefix); how many."""
    client = client or s3_client()
    prefix = _prefix(prefix)
    count = 0
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            relative = item["Key"][len(prefix) :]
            if not relative or relative.endswith("/"):
                continue
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            client.download_file(bucket, item["Key"], str(target))
            count += 1
    return count


def s3_upload(folder: Path, bucket: str, prefix: str, client=None) -> int:
    """Make `prefix` hold exactly the files of `folder`: upload them, delete the others."""
    client = client or s3_client()
    prefix = _prefix(prefix)
    wanted = set()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        key = prefix + path.relative_to(folder).as_posix()
        client.upload_file(str(path), bucket, key)
        wanted.add(key)
    extra = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        extra += [{"Key": i["Key"]} for i in page.get("Contents", []) if i["Key"] not in wanted]
    for start in range(0, len(extra), 1000):
        client.delete_objects(Bucket=bucket, Delete={"Objects": extra[start : start + 1000]})
    return len(wanted)


def forget_pages() -> bool:
    """Drop the pages' version from the shared cache; False if there is none (local memory)."""
    from django.core.cache.backends.base import default_key_func

    cache = _cache()
    if not cache["BACKEND"].endswith("RedisCache"):
        return False
    import redis

    prefix = cache.get("KEY_PREFIX", "")
    client = redis.Redis.from_url(cache["LOCATION"], socket_connect_timeout=5)
    client.delete(default_key_func(PAGES_VERSION_KEY, prefix, 1))
    # And the people kept with their roles (lms/platform/user_cache.py): their tokens, all of them.
    users = default_key_func(USER_VERSION_KEYS, prefix, 1)
    for keys in _chunks(client.scan_iter(match=users, count=1000), 1000):
        client.delete(*keys)
    return True


def _chunks(items, size: int):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def main(argv: list[str]) -> None:
    if argv[:1] == ["--env-file"] and len(argv) >= 2:
        read_env_file(argv[1])
        argv = argv[2:]
    if not argv or argv[0] == "config":
        for key, value in config().items():
            print(f"{key}={shlex.quote(value)}")
    elif argv[0] == "s3-download" and len(argv) == 4:
        print(s3_download(argv[1], argv[2], Path(argv[3])))
    elif argv[0] == "s3-upload" and len(argv) == 4:
        print(s3_upload(Path(argv[1]), argv[2], argv[3]))
    elif argv[0] == "database-state":
        print(database_state())
    elif argv[0] == "create-database":
        create_database()
    elif argv[0] == "forget-pages":
        print("forgotten" if forget_pages() else "no shared cache")
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
