#!/usr/bin/env bash
# Back up the LMS: its database and its uploaded files, into one new folder
#
#     DEST/lms-backup-YYYYMMDDTHHMMSSZ/
#         database.pgdump     PostgreSQL (pg_dump -Fc), or database.sqlite3 (SQLite's backup API)
#         media.tar.gz        MEDIA_ROOT, or the media objects of the S3 bucket
#         private.tar.gz      PRIVATE_ROOT (imports, certificate PDFs, evidence), or S3's
#         manifest.txt        what was backed up, from where, when
#         SHA256SUMS          the checksums deploy/restore.sh verifies before anything else
#
# Usage: deploy/backup.sh [--env-file FILE] [--keep N] [DEST]
#   DEST        where archives go (default: $LMS_BACKUP_DIR, else backups/ beside manage.py)
#   --env-file  read the configuration from FILE (KEY=value lines, as systemd's
#               EnvironmentFile): its variables win over the environment and the .env beside
#               manage.py, and it must name DATABASE_URL
#   --keep N    then delete all but the newest N archives in DEST
# The configuration is the site's own: DATABASE_URL, MEDIA_ROOT, PRIVATE_ROOT, and with S3
# AWS_STORAGE_BUCKET_NAME and the rest (deploy/README.md). With S3, LMS_BACKUP_S3=skip leaves
# the files out (when the bucket is versioned or replicated instead); the default copies them.
# The site may keep running: pg_dump and SQLite's backup API read a consistent snapshot.
# Prints the archive's path last. A failed backup leaves no archive behind.
set -euo pipefail
umask 077  # the archive holds everyone's records: readable by its owner only

prog=backup
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

dest=""
keep=""
env_file=""
while [ $# -gt 0 ]; do
    case "$1" in
        --env-file) env_file="${2:?--env-file needs a file}"; shift 2 ;;
        --keep) keep="${2:?--keep needs a number}"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        -*) usage >&2; exit 2 ;;
        *) dest="$1"; shift ;;
    esac
done
case "$keep" in
    '') ;;
    *[!0-9]*|0) die "--keep needs a number of archives, 1 or more" ;;
esac

load_config
dest="${dest:-${BACKUP_DIR:-$base/backups}}"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
name="lms-backup-$stamp"
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"
[ -e "$dest/$name" ] && name="$name-$$"
work="$dest/.$name.partial"
rm -rf "$work"
mkdir -m 700 "$work"
trap 'rm -rf "$work"' EXIT  # a failed backup leaves nothing that looks like an archive

# --- The database -----------------------------------------------------------------------
case "$DB_ENGINE" in
    postgresql)
        command -v pg_dump >/dev/null || die "pg_dump is missing (apt-get install postgresql-client)"
        pg_connection
        database_file=database.pgdump
        pg_dump --format=custom --no-owner --no-privileges --no-password "${pg[@]}" \
            --file="$work/$database_file"
        ;;
    sqlite)
        [ -f "$DB_NAME" ] || die "no SQLite database at $DB_NAME"
        database_file=database.sqlite3
        if command -v sqlite3 >/dev/null; then
            sqlite3 "$DB_NAME" ".backup '$work/$database_file'"
        else
            "$PYTHON" -c 'import sqlite3, sys
source, target = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
with target:
    source.backup(target)' "$DB_NAME" "$work/$database_file"
        fi
        ;;
esac

# --- The files ----------------------------------------------------------------------------
# archive NAME FOLDER: FOLDER's contents as NAME.tar.gz (an empty archive if there is none)
archive() {
    if [ -d "$2" ]; then
        tar -C "$2" -czf "$work/$1.tar.gz" .
    else
        tar -czf "$work/$1.tar.gz" -T /dev/null
    fi
}

if [ -n "$S3_BUCKET" ]; then
    case "$BACKUP_S3" in
        copy)
            copy="$work/.s3"
            config_py s3-download "$S3_BUCKET" "$S3_MEDIA_LOCATION" "$copy/media" >/dev/null
            config_py s3-download "$S3_PRIVATE_BUCKET" "$S3_PRIVATE_LOCATION" \
                "$copy/private" >/dev/null
            archive media "$copy/media"
            archive private "$copy/private"
            rm -rf "$copy"
            media_from="s3://$S3_BUCKET/$S3_MEDIA_LOCATION"
            private_from="s3://$S3_PRIVATE_BUCKET/$S3_PRIVATE_LOCATION"
            ;;
        skip)
            media_from="skipped (S3: versioned or replicated bucket)"
            private_from="$media_from"
            ;;
        *) die "LMS_BACKUP_S3 is copy or skip" ;;
    esac
else
    archive media "$MEDIA_ROOT"
    archive private "$PRIVATE_ROOT"
    media_from="$MEDIA_ROOT"
    private_from="$PRIVATE_ROOT"
fi

# --- Manifest and checksums ---------------------------------------------------------------
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$base/pyproject.toml" 2>/dev/null | head -n1 || true)"
{
    echo "format=1"
    echo "created_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "host=$(hostname)"
    echo "lms_version=$version"
    echo "database_engine=$DB_ENGINE"
    echo "database_name=$(basename "$DB_NAME")"
    echo "database_file=$database_file"
    echo "media_from=$media_from"
    echo "private_from=$private_from"
} >"$work/manifest.txt"
(
    cd "$work"
    files=(manifest.txt "$database_file")
    [ -f media.tar.gz ] && files+=(media.tar.gz)
    [ -f private.tar.gz ] && files+=(private.tar.gz)
    sha256sum "${files[@]}" >SHA256SUMS
)

mv "$work" "$dest/$name"
trap - EXIT

if [ -n "$keep" ]; then
    # Archive names sort by time; the partial ones start with a dot and are never listed.
    old="$(find "$dest" -maxdepth 1 -mindepth 1 -type d -name 'lms-backup-*' | sort | head -n "-$keep")"
    if [ -n "$old" ]; then
        while IFS= read -r folder; do rm -rf -- "$folder"; done <<<"$old"
    fi
fi

echo "$dest/$name"
