# What deploy/backup.sh and deploy/restore.sh share; sourced by both, after they set `prog`.
# shellcheck shell=bash

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
base="$(dirname "$here")"
if [ -z "${PYTHON:-}" ]; then
    if [ -x "$base/.venv/bin/python" ]; then PYTHON="$base/.venv/bin/python"; else PYTHON=python3; fi
fi

die() { echo "$prog: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }

# deploy/backup_config.py with the --env-file given, if any (in `env_file`): the file's
# variables win over the caller's environment, and the file must name DATABASE_URL. The file is
# read by Python as the site reads it (KEY=value lines), never run by the shell.
config_py() {
    if [ -n "${env_file:-}" ]; then
        "$PYTHON" "$here/backup_config.py" --env-file "$env_file" "$@"
    else
        "$PYTHON" "$here/backup_config.py" "$@"
    fi
}

# The site's configuration (DB_*, MEDIA_ROOT, PRIVATE_ROOT, S3_*, CACHE_*, BACKUP_*:
# deploy/backup_config.py).
load_config() {
    local config
    if [ -n "${env_file:-}" ]; then
        [ -r "$env_file" ] || die "cannot read $env_file"
    fi
    config="$(config_py config)" || die "cannot read the configuration"
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
