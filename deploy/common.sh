# What deploy/backup.sh and deploy/restore.sh share; sourced by both, after they set `prog`.
# shellcheck shell=bash

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
base="$(dirname "$here")"
if [ -z "${PYTHON:-}" ]; then
    if [ -x "$base/.venv/bin/python" ]; then PYTHON="$base/.venv/bin/python"; else PYTHON=python3; fi
fi

die() { echo "$prog: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }

# The site's configuration (DB_*, MEDIA_ROOT, PRIVATE_ROOT, S3_*: deploy/backup_config.py),
# after the variables of the --env-file given, if any.
load_config() {
    local env_file="$1" config
    if [ -n "$env_file" ]; then
        [ -r "$env_file" ] || die "cannot read $env_file"
        set -a; . "$env_file"; set +a
    fi
    config="$("$PYTHON" "$here/backup_config.py" config)" || die "cannot read the configuration"
    eval "$config"
}

# PostgreSQL's connection options for pg_dump and pg_restore, in the array `pg`.
pg_connection() {
    pg=(--dbname="$DB_NAME")
    [ -n "$DB_HOST" ] && pg+=(--host="$DB_HOST")
    [ -n "$DB_PORT" ] && pg+=(--port="$DB_PORT")
    [ -n "$DB_USER" ] && pg+=(--username="$DB_USER")
    [ -n "$DB_PASSWORD" ] && export PGPASSWORD="$DB_PASSWORD"
    return 0
}
