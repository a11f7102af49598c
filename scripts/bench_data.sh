#!/usr/bin/env bash
# The province-sized data set for the benchmarks (run by scripts/bench.sh and
# scripts/bench_load.sh): creates the PostgreSQL database if missing, migrates, and runs
# generate_dataset once per SEED (it changes nothing when the set exists).
#   DATABASE_URL (default postgres://postgres@127.0.0.1:5432/wt_bench_<COMMUNES>),
#   SEED, COMMUNES, VILLAGES, PEOPLE, YEARS — see docs/performance.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/wt_bench_${COMMUNES:-200}}"
# The bench runs with DEBUG off; a throwaway key when none is configured (nothing is served
# beyond the loopback address).
export SECRET_KEY="${SECRET_KEY:-bench-$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(40))')}"
SEED="${SEED:-1}"
COMMUNES="${COMMUNES:-200}"
VILLAGES="${VILLAGES:-10}"
PEOPLE="${PEOPLE:-20000}"
YEARS="${YEARS:-2021-2025}"

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
