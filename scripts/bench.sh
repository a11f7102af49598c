#!/usr/bin/env bash
# make bench (first part): for each size, the generated data set in a PostgreSQL database of its
# own, then the heavy pages timed in-process (scripts/bench.py). The import bench and the load
# run with the PDF budget follow (Makefile).
#   COMMUNES       the size (default 200); BENCH_SIZES="200 3300" runs several sizes in turn.
#   DATABASE_URL   the database, for one size only (default: BENCH_DB + "_" + COMMUNES, i.e.
#                  postgres://postgres@127.0.0.1:5432/wt_bench_200, …_3300); created if missing,
#                  generated once per SEED.
#   SEED, VILLAGES, PEOPLE, YEARS (scripts/bench_data.sh); REQUESTS, COLD, PAGE_SECONDS,
#   BENCH_CACHE_URL, BENCH_PAGES (scripts/bench.py) — see docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
export SECRET_KEY="${SECRET_KEY:-bench-$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(40))')}"
export BENCH_CAMPAIGN="gen-${SEED:-1}"
BENCH_DB="${BENCH_DB:-postgres://postgres@127.0.0.1:5432/wt_bench}"
SIZES="${BENCH_SIZES:-${COMMUNES:-200}}"
if [ -n "${DATABASE_URL:-}" ] && [ "$(wc -w <<<"$SIZES")" -gt 1 ]; then
  echo "DATABASE_URL names one database; with several sizes leave it unset (each size uses BENCH_DB_<size>, e.g. wt_bench_3300)." >&2
  exit 2
fi
GIVEN_URL="${DATABASE_URL:-}"
# Pages render with DEBUG=0 as in production: the hashed static names need the manifest.
DATABASE_URL="${GIVEN_URL:-${BENCH_DB}_${SIZES%% *}}" "$PYTHON" manage.py collectstatic --noinput -v0
for size in $SIZES; do
  export COMMUNES="$size" DATABASE_URL="${GIVEN_URL:-${BENCH_DB}_${size}}"
  scripts/bench_data.sh
  "$PYTHON" scripts/bench.py
done
