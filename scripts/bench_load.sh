#!/usr/bin/env bash
# make bench (second part; LOAD=0 skips it): the load run (80 users) and the final-review PDF budget
# on the province-sized data set — gunicorn on loopback, locust in its own
# process, a Celery worker on the reports queue with a Redis of its own. ~13 minutes.
#   LOAD_COMMUNES (200: province size, where the load goals are set, whatever COMMUNES the page
#   bench ran at); DATABASE_URL (default …/wt_bench_<LOAD_COMMUNES>, the page bench's database
#   of that size), SEED, …  as scripts/bench.sh (the data set is made when missing)
#   LOAD_USERS (80), LOAD_RUN_TIME (90s), LOAD_RUNS (3), LOAD_WORKERS (3), LOAD_THREADS (4),
#   LOAD_PORT (8795), LOAD_REDIS_PORT (6395) or LOAD_REDIS_URL, LOAD_PDF (1),
#   LOAD_VARIANTS (quota,nice,normal; or host), LOAD_CPU_QUOTA (0.5), LOAD_RENDER_ROUNDS (1)
#   — see scripts/bench_load.py and docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
export COMMUNES="${LOAD_COMMUNES:-200}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/wt_bench_${COMMUNES}}"
export SECRET_KEY="${SECRET_KEY:-bench-$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(40))')}"
export SEED="${SEED:-1}"
scripts/bench_data.sh
"$PYTHON" scripts/bench_load.py
