#!/usr/bin/env bash
# make bench: load the province-sized data set into PostgreSQL and time the heavy pages.
#   DATABASE_URL   target database (default postgres://postgres@127.0.0.1:5432/wt_bench);
#                  created if missing; the data set is generated once per SEED.
#   SEED, COMMUNES, VILLAGES, PEOPLE, YEARS, REQUESTS  — see docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/wt_bench}"
SEED="${SEED:-1}"
COMMUNES="${COMMUNES:-200}"
VILLAGES="${VILLAGES:-10}"
PEOPLE="${PEOPLE:-20000}"
YEARS="${YEARS:-2021-2025}"
export REQUESTS="${REQUESTS:-30}" BENCH_CAMPAIGN="gen-${SEED}"

echo "== Cơ sở dữ liệu: ${DATABASE_URL}"
"$PYTHON" - <<'PY'
import os, urllib.parse
url = urllib.parse.urlparse(os.environ["DATABASE_URL"])
if url.scheme.startswith("postgres"):
    import psycopg
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"   đã tạo cơ sở dữ liệu {name}")
PY
"$PYTHON" manage.py migrate --noinput -v0
"$PYTHON" manage.py generate_dataset --communes "$COMMUNES" --villages-per-commune "$VILLAGES" \
  --people "$PEOPLE" --years "$YEARS" --seed "$SEED"
"$PYTHON" scripts/bench.py
