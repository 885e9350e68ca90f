#!/usr/bin/env bash
# Back up the portal: PostgreSQL (pg_dump, custom format) plus the media files (tarball).
#
#   DATABASE_URL=postgres://... MEDIA_ROOT=/srv/portal/media scripts/backup.sh [BACKUP_DIR]
#
# Writes BACKUP_DIR/<UTC time>/{db.dump,media.tar.gz,SHA256SUMS} (BACKUP_DIR defaults to
# ./backups) and prints that directory on the last line. The database is dumped first and
# the media afterwards, so every file the dump refers to is in the tarball (a file uploaded
# in between is merely an unreferenced extra). pg_dump reads one consistent snapshot and does
# not block writers. BACKUP_KEEP_DAYS=N removes backups older than N days afterwards.
#
# The dump holds complainants' contact data encrypted with FIELD_ENCRYPTION_KEYS, which is
# deliberately NOT in the backup: keep the keys in a separate secret store, or the backup
# cannot be read (and a stolen backup reveals no contact data).
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL is required}"
cd "$(dirname "$0")/.."
MEDIA_ROOT=${MEDIA_ROOT:-media}
BACKUP_DIR=${1:-${BACKUP_DIR:-backups}}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
dest="$BACKUP_DIR/$stamp"
if [ -e "$dest" ]; then dest="$dest-$$"; fi
mkdir -p "$dest"
umask 077

pg_dump --format=custom --no-owner --no-privileges --file "$dest/db.dump" --dbname "$DATABASE_URL"
if [ -d "$MEDIA_ROOT" ]; then
  tar -czf "$dest/media.tar.gz" -C "$MEDIA_ROOT" .
else
  tar -czf "$dest/media.tar.gz" --files-from /dev/null
fi
(cd "$dest" && sha256sum db.dump media.tar.gz > SHA256SUMS)

if [ -n "${BACKUP_KEEP_DAYS:-}" ]; then
  find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '20*' -mtime +"$BACKUP_KEEP_DAYS" \
    -exec rm -rf {} +
fi
echo "backup: $(du -sh "$dest" | cut -f1) written" >&2
echo "$dest"
