#!/usr/bin/env bash
# Restore drill: back up DATABASE_URL, restore into a scratch database, prove every table
# identical (row count + md5 of the rows in a stable order), check the audit chain there,
# and print how long backup and restore took. Exit 1 on any difference.
# Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_hardening scripts/restore_drill.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL=postgres://… is required}"
# The project's interpreter: the Makefile exports PYTHON (its VENV); run by hand, .venv's.
PYTHON="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
scratch="${DATABASE_URL%/*}/drill_$(date +%s)"
export MEDIA_ROOT="${MEDIA_ROOT:-var/media}"

t0=$(date +%s.%N)
backup="$(scripts/backup.sh "$work/backups" | tail -1)"
t1=$(date +%s.%N)
RESTORE_MEDIA_ROOT="$work/media" scripts/restore.sh "$backup" "$scratch"
t2=$(date +%s.%N)

checksums() {  # one line per table: name count md5
  psql "$1" -At -F ' ' <<'SQL' | sort
\set QUIET on
create temp table _drill(t text, n bigint, h text);
do $$
declare r record; n bigint; h text;
begin
  for r in select tablename from pg_tables where schemaname = 'public' loop
    execute format('select count(*), coalesce(md5(string_agg(x::text, E''\n'' order by x::text)), ''-'') from %I x', r.tablename)
      into n, h;
    insert into _drill values (r.tablename, n, h);
  end loop;
end $$;
select t, n, h from _drill;
SQL
}
checksums "$DATABASE_URL" > "$work/source.txt"
checksums "$scratch" > "$work/restored.txt"
t3=$(date +%s.%N)
tables=$(wc -l < "$work/source.txt"); rows=$(awk '{s+=$2} END {print s}' "$work/source.txt")
status=0
if diff -u "$work/source.txt" "$work/restored.txt" > "$work/diff.txt"; then
  echo "Bảng: $tables, dòng: $rows — khớp hoàn toàn (số dòng và md5 từng bảng)."
else
  echo "KHÁC BIỆT giữa bản gốc và bản khôi phục:"; cat "$work/diff.txt"; status=1
fi
if [ ! -d "$MEDIA_ROOT" ]; then
  echo "Tệp đính kèm: không có thư mục $MEDIA_ROOT ở bản gốc."
elif diff -r "$MEDIA_ROOT" "$work/media" > /dev/null; then
  echo "Tệp đính kèm: khớp ($(find "$work/media" -type f | wc -l) tệp)."
else
  echo "Tệp đính kèm KHÁC bản gốc."; status=1
fi
if DATABASE_URL="$scratch" "$PYTHON" manage.py verify_audit; then :; else status=1; fi
printf 'Thời gian: sao lưu %.1fs, khôi phục %.1fs, so sánh %.1fs, tổng %.1fs.\n' \
  "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$(echo "$t3 - $t2" | bc)" "$(echo "$t3 - $t0" | bc)"
if [ "${KEEP_SCRATCH:-0}" != 1 ]; then psql "${DATABASE_URL%/*}/postgres" -qc "drop database \"${scratch##*/}\""; fi
exit $status
