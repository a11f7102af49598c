#!/usr/bin/env bash
# Back up the portal: PostgreSQL in pg_dump's custom format + the media files, with a manifest.
# Usage: DATABASE_URL=postgres://… [MEDIA_ROOT=…] scripts/backup.sh [BACKUP_DIR]
# Prints the directory of the new backup on the last line.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL=postgres://… is required (SQLite: copy var/portal.sqlite3)}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "backup.sh: PostgreSQL only" >&2; exit 2;; esac
BACKUP_ROOT="${1:-var/backups}"
MEDIA_ROOT="${MEDIA_ROOT:-var/media}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
dest="$BACKUP_ROOT/$stamp"
mkdir -p "$dest"
started=$(date +%s.%N)
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file "$dest/db.dump" "$DATABASE_URL"
if [ -d "$MEDIA_ROOT" ]; then
  tar -C "$MEDIA_ROOT" -czf "$dest/media.tar.gz" .
else
  tar -czf "$dest/media.tar.gz" --files-from /dev/null
fi
{
  echo "created_utc=$stamp"
  echo "pg_dump=$(pg_dump --version)"
  echo "server=$(psql "$DATABASE_URL" -Atc 'show server_version')"
  echo "git=$(git rev-parse --short HEAD 2>/dev/null || echo -)"
  echo "migrations=$(psql "$DATABASE_URL" -Atc 'select count(*) from django_migrations')"
} > "$dest/manifest.txt"
(cd "$dest" && sha256sum db.dump media.tar.gz > SHA256SUMS)
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
echo "Sao lưu xong trong ${elapsed}s: $(du -sh "$dest" | cut -f1) tại" >&2
echo "$dest"
