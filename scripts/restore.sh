#!/usr/bin/env bash
# Restore a backup made by backup.sh into a database (created when absent) and a media folder.
# Usage: scripts/restore.sh BACKUP_DIR TARGET_DATABASE_URL   [RESTORE_MEDIA_ROOT=… (default MEDIA_ROOT)]
# The target database is overwritten (pg_restore --clean). Refuses to run without both arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
backup="${1:?usage: restore.sh BACKUP_DIR TARGET_DATABASE_URL}"
target="${2:?usage: restore.sh BACKUP_DIR TARGET_DATABASE_URL}"
media_target="${RESTORE_MEDIA_ROOT:-${MEDIA_ROOT:-var/media}}"
(cd "$backup" && sha256sum --quiet -c SHA256SUMS) || { echo "restore.sh: checksums do not match, refusing" >&2; exit 3; }
dbname="${target##*/}"; dbname="${dbname%%\?*}"
server="${target%/*}/postgres"
if ! psql "$server" -Atc "select 1 from pg_database where datname = '$dbname'" | grep -q 1; then
  psql "$server" -qc "create database \"$dbname\""
fi
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname "$target" "$backup/db.dump"
mkdir -p "$media_target"
tar -C "$media_target" -xzf "$backup/media.tar.gz"
echo "Đã khôi phục $backup vào $dbname (tệp đính kèm: $media_target)." >&2
