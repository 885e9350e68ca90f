#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a FRESH database and a media directory.
#
#   DATABASE_URL=postgres://.../portal_restored MEDIA_ROOT=/srv/portal/media \
#     PRIVATE_MEDIA_ROOT=/srv/portal/private-media \
#     scripts/restore.sh backups/20260101T000000Z
#
# The target database is created when it does not exist and must be empty otherwise (a
# restore never overwrites live data; drop or rename the old database first). Checksums are
# verified before anything is written. The restore runs in one transaction: it applies
# completely or not at all. Afterwards ANALYZE refreshes the planner statistics.
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL is required (the target database)}"
src=${1:?usage: scripts/restore.sh BACKUP_DIRECTORY}
MEDIA_ROOT=${MEDIA_ROOT:-media}
PRIVATE_MEDIA_ROOT=${PRIVATE_MEDIA_ROOT:-$(dirname "$MEDIA_ROOT")/private-media}
[ -f "$src/db.dump" ] || { echo "restore: no db.dump in $src" >&2; exit 2; }
(cd "$src" && sha256sum --check --quiet SHA256SUMS) || { echo "restore: checksum mismatch in $src" >&2; exit 2; }

server=${DATABASE_URL%/*}
dbname=${DATABASE_URL##*/}
query=""
case "$dbname" in *\?*) query="?${dbname#*\?}"; dbname=${dbname%%\?*} ;; esac
[[ "$dbname" =~ ^[A-Za-z0-9_-]+$ ]] || { echo "restore: unusual database name: $dbname" >&2; exit 2; }
exists=$(psql "$server/postgres$query" -XtAc "SELECT 1 FROM pg_database WHERE datname = '$dbname'")
if [ "$exists" != "1" ]; then
  psql "$server/postgres$query" -Xqc "CREATE DATABASE \"$dbname\""
  echo "restore: created database $dbname" >&2
else
  tables=$(psql "$DATABASE_URL" -XtAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
  if [ "$tables" != "0" ]; then
    echo "restore: database $dbname is not empty ($tables tables); restore only into a fresh database" >&2
    exit 3
  fi
fi

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname "$DATABASE_URL" "$src/db.dump"
psql "$DATABASE_URL" -Xqc "ANALYZE"

mkdir -p "$MEDIA_ROOT" "$PRIVATE_MEDIA_ROOT"
tar -xzf "$src/media.tar.gz" -C "$MEDIA_ROOT"
if [ -f "$src/private-media.tar.gz" ]; then
  tar -xzf "$src/private-media.tar.gz" -C "$PRIVATE_MEDIA_ROOT"
  chmod 700 "$PRIVATE_MEDIA_ROOT"
fi
echo "restore: $dbname restored from $src; media into $MEDIA_ROOT and $PRIVATE_MEDIA_ROOT" >&2
