#!/usr/bin/env python3
"""Dependency audit for `make lint`: pip-audit against the installed environment, with dated
waivers from scripts/pip-audit-waivers.txt.

Exit 0: no known vulnerability (or only waived ones). Exit 1: a vulnerability without a valid
waiver. When the advisory database cannot be reached (offline build hosts, a PyPI mirror without
the JSON API), it says so loudly and exits 0, unless STRICT_AUDIT=1 (CI with network).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
WAIVERS = HERE / "pip-audit-waivers.txt"


def waivers() -> dict[str, str]:
    today = dt.date.today()
    active = {}
    for line in WAIVERS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        vuln, until, *reason = line.split(maxsplit=2)
        if dt.date.fromisoformat(until) >= today:
            active[vuln] = " ".join(reason)
        else:
            print(f"pip-audit: waiver for {vuln} expired on {until}", file=sys.stderr)
    return active


def main() -> int:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    cmd = [str(pip_audit), "-l", "-f", "json", "--progress-spinner", "off"]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return degrade(f"pip-audit could not run ({exc})")
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["?"]
        return degrade(f"no usable answer from the advisory database: {tail[0][:200]}")
    deps = report.get("dependencies", [])
    audited = [d for d in deps if "skip_reason" not in d]
    if deps and not audited:
        return degrade(
            f"all {len(deps)} packages were skipped ('not found on PyPI'): the index in use has "
            "no vulnerability data"
        )
    allowed = waivers()
    open_vulns = []
    for dep in audited:
        for vuln in dep.get("vulns", []):
            ids = {vuln["id"], *vuln.get("aliases", [])}
            if ids & allowed.keys():
                print(f"pip-audit: {dep['name']} {dep['version']} {vuln['id']} waived")
                continue
            open_vulns.append(
                f"{dep['name']} {dep['version']}: {vuln['id']} {vuln.get('fix_versions')}"
            )
    if open_vulns:
        print("pip-audit: known vulnerabilities:\n  " + "\n  ".join(open_vulns), file=sys.stderr)
        return 1
    print(f"pip-audit: {len(audited)} packages audited, no known vulnerability.")
    return 0


def degrade(why: str) -> int:
    message = f"pip-audit: DEPENDENCIES NOT AUDITED — {why}."
    if os.environ.get("STRICT_AUDIT") == "1":
        print(message, file=sys.stderr)
        return 1
    print(f"\033[33m{message} Run `STRICT_AUDIT=1 make lint` where PyPI is reachable.\033[0m")
    return 0


if __name__ == "__main__":
    sys.exit(main())
