#!/usr/bin/env bash
# Restore the LMS from an archive of deploy/backup.sh: the database, then the files.
#
# Usage: deploy/restore.sh [--env-file FILE] [--overwrite DBNAME] [--database-only] --yes ARCHIVE
#   ARCHIVE          a folder lms-backup-... made by deploy/backup.sh
#   --yes            required: the database and the files are REPLACED by the archive's
#   --env-file FILE  the site to restore: FILE's variables (KEY=value lines, as systemd's
#                    EnvironmentFile) win over the environment, and FILE must name DATABASE_URL
#   --overwrite DBNAME
#                    required when the database already holds tables: its name as printed
#                    (PostgreSQL: the database's name; SQLite: the file's path), so that a
#                    live database is never replaced by mistake
#   --database-only  leave the files as they are
# A database that does not exist yet is created (a spare site: PostgreSQL's CREATE DATABASE,
# with the configured user's right to create databases). Before anything is changed, every
# file of the archive is checked against SHA256SUMS, and the archive's database engine against
# the configured one; on any mismatch nothing changes.
# Stop the app servers and the task workers first, restore, then start them (deploy/README.md).
# PostgreSQL: pg_restore --clean --if-exists in one transaction (all or nothing). SQLite:
# SQLite's backup API into the configured file. Files: MEDIA_ROOT and PRIVATE_ROOT are
# emptied and refilled, or with S3 the media and private prefixes made to hold exactly the
# archive's files.
set -euo pipefail

prog=restore
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

yes=""
env_file=""
overwrite=""
files=1
archive=""
while [ $# -gt 0 ]; do
    case "$1" in
        --yes) yes=1; shift ;;
        --env-file) env_file="${2:?--env-file needs a file}"; shift 2 ;;
        --overwrite) overwrite="${2:?--overwrite needs the name of the database}"; shift 2 ;;
        --database-only) files=""; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) usage >&2; exit 2 ;;
        *) [ -z "$archive" ] || die "one archive at a time"; archive="$1"; shift ;;
    esac
done
[ -n "$archive" ] || { usage >&2; exit 2; }
[ -d "$archive" ] || die "no archive at $archive"
archive="$(cd "$archive" && pwd)"

# --- Check the archive before anything else -----------------------------------------------
[ -f "$archive/SHA256SUMS" ] || die "$archive has no SHA256SUMS: not an archive of backup.sh"
if ! (cd "$archive" && sha256sum --check --strict --quiet SHA256SUMS); then
    die "$archive is damaged: its files do not match SHA256SUMS; nothing was changed"
fi
manifest() { sed -n "s/^$1=//p" "$archive/manifest.txt" | head -n1; }
database_file="$(manifest database_file)"
grep -q " $database_file\$" "$archive/SHA256SUMS" \
    || die "the database file $database_file is not covered by SHA256SUMS"

load_config

engine="$(manifest database_engine)"
[ "$engine" = "$DB_ENGINE" ] \
    || die "the archive holds a $engine database; the site is configured for $DB_ENGINE"

if [ -n "$S3_BUCKET" ]; then
    media_to="s3://$S3_BUCKET/$S3_MEDIA_LOCATION"
    private_to="s3://$S3_PRIVATE_BUCKET/$S3_PRIVATE_LOCATION"
else
    media_to="$MEDIA_ROOT"
    private_to="$PRIVATE_ROOT"
fi
echo "Archive $archive ($(manifest created_at), from $(manifest host), LMS $(manifest lms_version)): checksums good."
state="$(config_py database-state)" || die "cannot reach the database $DB_NAME${DB_HOST:+ on $DB_HOST}"
case "$state" in
    missing) what="created" ;;
    empty) what="empty, filled" ;;
    *) what="holds ${state#tables } tables: REPLACED" ;;
esac
echo "  database: $DB_ENGINE $DB_NAME${DB_HOST:+ on $DB_HOST} ($what) <- $database_file"
echo "  cache:    ${CACHE_LOCATION:-local memory (nothing shared)}${CACHE_LOCATION:+, keys $CACHE_KEY_PREFIX:*}"
if [ -n "$files" ]; then
    [ -f "$archive/media.tar.gz" ] && echo "  media:    $media_to <- media.tar.gz"
    [ -f "$archive/private.tar.gz" ] && echo "  private:  $private_to <- private.tar.gz"
fi
# A folder to be emptied must not be / or hold the code (a wrong MEDIA_ROOT or PRIVATE_ROOT).
safe_to_empty() {
    local target code
    target="$(realpath -m "$1")"
    code="$(realpath -m "$base")"
    [ "$target" != "/" ] || die "refusing to empty /: check $2"
    case "$code/" in
        "$target"/*) die "refusing to empty $1, which holds the code: check $2" ;;
    esac
}
if [ -n "$files" ] && [ -z "$S3_BUCKET" ]; then
    safe_to_empty "$MEDIA_ROOT" MEDIA_ROOT
    safe_to_empty "$PRIVATE_ROOT" PRIVATE_ROOT
fi
if [ -z "$yes" ]; then
    echo "restore: this REPLACES the data above; run again with --yes to do it." >&2
    exit 2
fi
case "$state" in
    missing|empty) ;;
    *)
        [ "$overwrite" = "$DB_NAME" ] || die "the database $DB_NAME${DB_HOST:+ on $DB_HOST} holds ${state#tables } tables; to replace them, add --overwrite $DB_NAME (nothing was changed)"
        ;;
esac

# --- The database -----------------------------------------------------------------------
case "$DB_ENGINE" in
    postgresql)
        command -v pg_restore >/dev/null || die "pg_restore is missing (apt-get install postgresql-client)"
        pg_connection
        if [ "$state" = missing ]; then
            config_py create-database || die "cannot create the database $DB_NAME"
            echo "restore: database $DB_NAME created."
        fi
        pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
            --exit-on-error --no-password "${pg[@]}" "$archive/$database_file"
        ;;
    sqlite)
        mkdir -p "$(dirname "$DB_NAME")"
        "$PYTHON" -c 'import sqlite3, sys
source, target = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
with target:
    source.backup(target)' "$archive/$database_file" "$DB_NAME"
        ;;
esac
echo "restore: database restored."

# --- The files ----------------------------------------------------------------------------
# refill NAME FOLDER: FOLDER holds exactly the contents of NAME.tar.gz
refill() {
    mkdir -p "$2"
    find "$2" -mindepth 1 -delete
    tar -C "$2" -xzf "$archive/$1.tar.gz"
}

if [ -n "$files" ]; then
    for part in media private; do
        [ -f "$archive/$part.tar.gz" ] || continue
        if [ -n "$S3_BUCKET" ]; then
            unpacked="$(mktemp -d)"
            tar -C "$unpacked" -xzf "$archive/$part.tar.gz"
            if [ "$part" = media ]; then
                bucket="$S3_BUCKET" prefix="$S3_MEDIA_LOCATION"
            else
                bucket="$S3_PRIVATE_BUCKET" prefix="$S3_PRIVATE_LOCATION"
            fi
            config_py s3-upload "$unpacked" "$bucket" "$prefix" >/dev/null
            rm -rf "$unpacked"
        elif [ "$part" = media ]; then
            refill media "$MEDIA_ROOT"
        else
            refill private "$PRIVATE_ROOT"
        fi
        echo "restore: $part restored."
    done
fi
# What the app servers keep from the pages in the shared cache is from the database before
# (under this site's CACHE_KEY_PREFIX only: a spare site sharing production's Redis leaves
# production's keys alone).
echo "restore: page cache: $(config_py forget-pages)."
echo "restore: done. Run 'manage.py migrate' if the code is newer than the archive."
