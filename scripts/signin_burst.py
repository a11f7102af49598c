"""A training room signing in: 8 processes start together and each signs in 3 times (sign-in
page, POST, home page) against a running server; prints how many got in.

    python scripts/signin_burst.py http://127.0.0.1:8000 thuongtruc,kinhte,chutich ThiDua@2025

The accounts are used in turn. See docs/deployment.md, "SQLite for the demo and a training room".
"""

import multiprocessing as mp
import re
import sys
import time

import requests

BASE = sys.argv[1]
USERS = sys.argv[2].split(",")
PASSWORD = sys.argv[3]
PEOPLE, ROUNDS = 8, 3


def one(username):
    with requests.Session() as s:
        page = s.get(f"{BASE}/dang-nhap/", timeout=120)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        t0 = time.monotonic()
        r = s.post(
            f"{BASE}/dang-nhap/",
            {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
            headers={"Referer": f"{BASE}/dang-nhap/"},
            allow_redirects=False,
            timeout=120,
        )
        took = time.monotonic() - t0
        ok = r.status_code == 302 and "/dang-nhap/" not in r.headers.get("Location", "")
        if ok:
            home = s.get(f"{BASE}/", timeout=120)
            ok = home.status_code == 200
        return ("ok" if ok else f"{r.status_code}"), took


def person(args):
    i, barrier = args
    barrier.wait()
    return [one(USERS[i % len(USERS)]) for _ in range(ROUNDS)]


if __name__ == "__main__":
    with mp.Manager() as m:
        barrier = m.Barrier(PEOPLE)
        with mp.Pool(PEOPLE) as pool:
            t0 = time.monotonic()
            results = [
                x for r in pool.map(person, [(i, barrier) for i in range(PEOPLE)]) for x in r
            ]
            wall = time.monotonic() - t0
    ok = sum(1 for o, _ in results if o == "ok")
    times = sorted(t for _, t in results)
    print(
        f"{ok} of {len(results)} sign-ins succeeded; failures: "
        f"{sorted(o for o, _ in results if o != 'ok')}; "
        f"sign-in POST median {times[len(times) // 2]:.2f} s, "
        f"max {times[-1]:.2f} s; wall {wall:.1f} s"
    )
