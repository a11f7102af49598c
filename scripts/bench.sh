#!/usr/bin/env bash
# make bench (first part): load the province-sized data set into PostgreSQL and time the heavy
# pages in-process. The load run and the PDF budget follow in scripts/bench_load.sh.
#   DATABASE_URL   target database (default postgres://postgres@127.0.0.1:5432/wt_bench);
#                  created if missing; the data set is generated once per SEED.
#   SEED, COMMUNES, VILLAGES, PEOPLE, YEARS, REQUESTS  — see docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/wt_bench}"
export SECRET_KEY="${SECRET_KEY:-bench-$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(40))')}"
export REQUESTS="${REQUESTS:-30}" BENCH_CAMPAIGN="gen-${SEED:-1}"
scripts/bench_data.sh
# Pages render with DEBUG=0 as in production: the hashed static names need the manifest.
"$PYTHON" manage.py collectstatic --noinput -v0
"$PYTHON" scripts/bench.py
