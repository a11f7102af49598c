"""The `make` targets the README tells users about work from a copy of the project in another
folder (issue 20, goal 3): no script leans on one machine's paths or on a `.venv` beside it.

One module-scoped fixture copies the project's files (`git ls-files`: what a clone holds, with
the working tree's changes) into a temporary folder and runs `make demo` there on a free port:
migrate, `load_demo`, then the development server (a minute or two); one test then runs the
other targets in the same copy. `VENV` points at the interpreter running the tests and
`-o <stamp>` tells make not to install anything.

The demo runs on a fresh SQLite file inside the copy, or, when the suite runs on PostgreSQL, on a
scratch database `<name>_make` that the fixture creates and drops; `backup` and `restore-drill`
(PostgreSQL only) run against that. tests/portal/test_demo_desk.py loads the demo again inside
the test database (in a transaction rolled back at the end): that one checks what the demo
contains, this one that a user's commands run.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(sys.prefix)
#: migrate + load_demo on a busy 2-core machine takes minutes; the server must answer by then.
STARTUP_SECONDS = 900
#: What the targets may see of the test run's environment: nothing that points at this folder,
#: the test settings, the test database or a broker (tasks run in-process, as in the demo).
PASSED_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER", "PGPASSWORD")

pytestmark = pytest.mark.skipif(
    not (shutil.which("make") and shutil.which("git")), reason="make and git are needed"
)


@dataclass
class Demo:
    folder: Path
    url: str
    env: dict[str, str]
    postgres: bool
    log: Path

    def make(self, *targets: str, timeout: int = 600) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["make", *make_vars(), *targets],
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def make_vars() -> list[str]:
    return [f"VENV={VENV}", "-o", f"{VENV}/.installed"]


def copy_project(dest: Path) -> None:
    """The project's files as a clone has them (tracked and new, not ignored), as edited now."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # the demo on loopback
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def scratch_database() -> str | None:
    """A fresh PostgreSQL database beside the suite's, or None on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'thidua'}_make"
    server = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    server = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    if subprocess.run(["git", "rev-parse"], cwd=ROOT, capture_output=True).returncode:
        pytest.skip("not a git checkout: nothing to clone")
    folder = tmp_path_factory.mktemp("clone") / "thidua"
    copy_project(folder)
    database = scratch_database()
    env = {k: os.environ[k] for k in PASSED_ENV if k in os.environ}
    if database:
        env["DATABASE_URL"] = database
    port = free_port()
    log = folder.parent / "make-demo.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            ["make", *make_vars(), "demo", "HOST=127.0.0.1", f"PORT={port}"],
            cwd=folder,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: make, runserver and its reloader
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(f"make demo stopped ({server.returncode}):\n{log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"make demo: no answer in {STARTUP_SECONDS} s:\n{log.read_text()[-3000:]}"
                )
            try:
                if get(f"{url}/healthz/")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(1)
        yield Demo(folder=folder, url=url, env=env, postgres=bool(database), log=log)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        if database:
            drop_database(database)


def test_the_targets_the_readme_names_work_from_a_copy_in_another_folder(demo):
    # One test, not one per target: pytest-xdist may hand a module's tests to several workers,
    # and each would load the demo again.

    # make demo: .env written, the accounts printed, the server up, the sign-in page served.
    output = demo.log.read_text()
    assert "Đã tạo .env" in output
    assert "mật khẩu: ThiDua@2025" in output
    status, body = get(f"{demo.url}/healthz/")
    assert status == 200
    assert json.loads(body) == {"database": "ok", "broker": "eager", "status": "ok"}
    status, body = get(f"{demo.url}/dang-nhap/")
    assert status == 200
    assert "Đăng nhập" in body
    # The demo runs with DEBUG=1 and still answers an unknown address with its own page.
    status, body = get(f"{demo.url}/khong-co-trang-nay/")
    assert status == 404
    assert "Không tìm thấy trang" in body
    assert "Using the URLconf" not in body

    # make verify-audit: the chain load_demo wrote, and the heads in the PDFs it signed.
    result = demo.make("verify-audit")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Nhật ký toàn vẹn" in result.stdout

    # README, "Reports": .venv/bin/python manage.py render_report --campaign … --out tong-ket.pdf
    result = subprocess.run(
        [
            f"{VENV}/bin/python",
            "manage.py",
            "render_report",
            "--campaign",
            "ducpho-ntm-2021-2025",
            "--kind",
            "final_review",
            "--year",
            "2025",
            "--out",
            "tong-ket.pdf",
        ],
        cwd=demo.folder,
        env=demo.env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Đã ghi tong-ket.pdf" in result.stdout
    assert (demo.folder / "tong-ket.pdf").read_bytes().startswith(b"%PDF")

    # make backup, make restore-drill (PostgreSQL only).
    if not demo.postgres:
        pytest.skip(
            "demo, verify-audit and render_report passed; backup and restore-drill are "
            "PostgreSQL only (DATABASE_URL is SQLite)"
        )
    if not all(shutil.which(tool) for tool in ("pg_dump", "pg_restore", "psql", "bc")):
        pytest.skip(
            "demo, verify-audit and render_report passed; backup and restore-drill "
            "need pg_dump, pg_restore, psql and bc"
        )
    backup = demo.make("backup", "BACKUP_DIR=var/backups")
    assert backup.returncode == 0, backup.stdout + backup.stderr
    made = Path(demo.folder, backup.stdout.strip().splitlines()[-1])
    assert {"db.dump", "media.tar.gz", "manifest.txt", "SHA256SUMS"} <= {
        p.name for p in made.iterdir()
    }
    drill = demo.make("restore-drill")
    assert drill.returncode == 0, drill.stdout + drill.stderr
    assert "khớp hoàn toàn" in drill.stdout
    assert "Tệp đính kèm: khớp" in drill.stdout


def test_without_python_3_11_or_3_12_make_says_which_to_install_and_how_to_name_it(tmp_path):
    fake = tmp_path / "python3.13"  # answers like a Python 3.13
    fake.write_text('#!/bin/sh\ncase "$*" in *sys.exit*) exit 1;; *) echo 3.13.0;; esac\n')
    fake.chmod(0o755)
    result = subprocess.run(
        ["make", "install", f"VENV={tmp_path / 'venv'}", f"PY={fake}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    said = [line for line in result.stderr.splitlines() if line.startswith("Cần Python")]
    assert said == [
        f"Cần Python 3.11 hoặc 3.12 ({fake}: 3.13.0): hãy cài một bản (ví dụ: apt-get install "
        "python3.11-venv) rồi chạy lại, hoặc chỉ rõ trình thông dịch: make demo "
        "PY=/usr/bin/python3.11"
    ]
    assert not (tmp_path / "venv").exists()


def test_make_finds_a_python_3_11_or_3_12_by_itself():
    result = subprocess.run(
        ["scripts/find_python.sh"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    version = subprocess.run(
        [result.stdout.strip(), "-c", "import sys; print(sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert version in {"(3, 11)", "(3, 12)"}
