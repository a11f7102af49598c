#!/usr/bin/env bash
# Two web processes, one database: sign in through host A, keep working through host B with the
# same cookie (sessions live in PostgreSQL, not on a host), sign out through B, and A refuses the
# cookie too. Needs DATABASE_URL=postgres://… with the demo loaded.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL=postgres://… is required}"
# The project's interpreter: the Makefile exports PYTHON (its VENV); run by hand, .venv's.
PYTHON="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
A=${PORT_A:-8781}; B=${PORT_B:-8782}
jar="$(mktemp)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -f "$jar"; }
trap cleanup EXIT
export DEBUG=1 AXES_ENABLED=0
for port in "$A" "$B"; do
  "$PYTHON" -m gunicorn portal.wsgi -b "127.0.0.1:$port" -w 1 --log-level warning & pids+=($!)
done
for port in "$A" "$B"; do
  for _ in $(seq 60); do curl -fs "http://127.0.0.1:$port/healthz/" >/dev/null && break; sleep 0.5; done
done
curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$A/dang-nhap/" >/dev/null
token=$(awk '$6 == "csrftoken" {print $7}' "$jar")
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" -H "Referer: http://127.0.0.1:$A/dang-nhap/" \
  --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=chutich" \
  --data-urlencode "password=ThiDua@2025" "http://127.0.0.1:$A/dang-nhap/")
[ "$code" = 302 ] || { echo "FAIL: sign-in through A answered $code"; exit 1; }
page=$(curl -s -b "$jar" "http://127.0.0.1:$B/")
grep -q "Vũ Minh Tâm" <<<"$page" || { echo "FAIL: host B does not know the session"; exit 1; }
echo "Đăng nhập qua máy A (:$A), máy B (:$B) nhận phiên: OK"
token=$(awk '$6 == "csrftoken" {print $7}' "$jar")
curl -s -o /dev/null -c "$jar" -b "$jar" -H "Referer: http://127.0.0.1:$B/" \
  --data-urlencode "csrfmiddlewaretoken=$token" "http://127.0.0.1:$B/dang-xuat/"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "http://127.0.0.1:$A/")
[ "$code" = 302 ] || { echo "FAIL: host A still accepts the session after sign-out on B ($code)"; exit 1; }
echo "Đăng xuất qua máy B, máy A không còn nhận phiên: OK"
