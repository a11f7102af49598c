#!/usr/bin/env bash
# Print the interpreter that creates .venv: the one given (PY), else the first of python3.12,
# python3.11, python3 that is 3.11 or 3.12 (pyproject.toml: requires-python >=3.11,<3.13).
# None fits: one line saying what to install and how to point PY at it, exit 1.
# Usage: scripts/find_python.sh [PY]
set -uo pipefail
fits() { "$1" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 12))' 2>/dev/null; }
if [ -n "${1:-}" ]; then candidates=("$1"); else candidates=(python3.12 python3.11 python3); fi
seen=()
for py in "${candidates[@]}"; do
  command -v "$py" >/dev/null 2>&1 || continue
  if fits "$py"; then command -v "$py"; exit 0; fi
  seen+=("$py: $("$py" -c 'import platform; print(platform.python_version())' 2>/dev/null || echo 'không chạy được')")
done
found="${seen[*]:-không tìm thấy ${candidates[*]}}"
echo "Cần Python 3.11 hoặc 3.12 ($found): hãy cài một bản (ví dụ: apt-get install python3.11-venv) rồi chạy lại, hoặc chỉ rõ trình thông dịch: make demo PY=/usr/bin/python3.11" >&2
exit 1
