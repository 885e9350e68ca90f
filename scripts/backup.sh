#!/usr/bin/env bash
# Back up the portal: PostgreSQL (pg_dump, custom format) plus the media files (tarballs):
# public media (MEDIA_ROOT: photos, documents) and private media (PRIVATE_MEDIA_ROOT, default
# MEDIA_ROOT/../private-media: complaint attachments, never served by nginx).
#
#   DATABASE_URL=postgres://... MEDIA_ROOT=/srv/portal/media scripts/backup.sh [BACKUP_DIR]
#
# Writes BACKUP_DIR/<UTC time>/{db.dump,media.tar.gz,private-media.tar.gz,SHA256SUMS}
# (BACKUP_DIR defaults to
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
PRIVATE_MEDIA_ROOT=${PRIVATE_MEDIA_ROOT:-$(dirname "$MEDIA_ROOT")/private-media}
BACKUP_DIR=${1:-${BACKUP_DIR:-backups}}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
dest="$BACKUP_DIR/$stamp"
if [ -e "$dest" ]; then dest="$dest-$$"; fi
mkdir -p "$dest"
umask 077

pg_dump --format=custom --no-owner --no-privileges --file "$dest/db.dump" --dbname "$DATABASE_URL"
archive() {  # archive DIR FILE: a tarball of DIR's contents (an empty one when DIR is absent)
  if [ -d "$1" ]; then tar -czf "$2" -C "$1" .; else tar -czf "$2" --files-from /dev/null; fi
}
archive "$MEDIA_ROOT" "$dest/media.tar.gz"
archive "$PRIVATE_MEDIA_ROOT" "$dest/private-media.tar.gz"
(cd "$dest" && sha256sum db.dump media.tar.gz private-media.tar.gz > SHA256SUMS)

if [ -n "${BACKUP_KEEP_DAYS:-}" ]; then
  find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '20*' -mtime +"$BACKUP_KEEP_DAYS" \
    -exec rm -rf {} +
fi
echo "backup: $(du -sh "$dest" | cut -f1) written" >&2
echo "$dest"
