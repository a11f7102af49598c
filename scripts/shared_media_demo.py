#!/usr/bin/env python
"""Two web hosts, one object store: media live in an S3 bucket, not on a host.

Starts an S3 API server on loopback (moto's, standing in for MinIO or a provincial cloud), creates a
private bucket, and starts two gunicorn processes (A and B) configured with MEDIA_BUCKET. Then:

1. a commune officer signs in through A and sends a difficulty report with a PDF attached;
2. the secretariat signs in through B and downloads that attachment: same bytes, served as an
   attachment (Content-Disposition, nosniff) by the portal after its access check;
3. the object is in the bucket under a generated name, and the hosts' MEDIA_ROOT stays empty;
4. the bucket refuses an unsigned request for the object (it is private).

Needs DATABASE_URL=postgres://… (created, migrated and loaded with the demo when empty).
Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_media python scripts/shared_media_demo.py
Exit 0 on success, 1 on a failed check.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import boto3
import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
S3_PORT = int(os.environ.get("S3_PORT", "5690"))
PORT_A = int(os.environ.get("PORT_A", "8791"))
PORT_B = int(os.environ.get("PORT_B", "8792"))
BUCKET = "thidua-media-demo"
PASSWORD = "ThiDua@2025"
FEEDBACK_CREATE = "/phong-trao/ducpho-ntm-2021-2025/giam-sat/kho-khan/gui/"  # the demo campaign
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def fail(message: str) -> None:
    print(f"FAIL: {message}")
    sys.exit(1)


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=5)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.3)
    fail(f"{url} did not answer within {seconds:.0f} s")


def prepare_database(env: dict[str, str]) -> None:
    url = urllib.parse.urlparse(env["DATABASE_URL"])
    if not url.scheme.startswith("postgres"):
        fail("DATABASE_URL must point at PostgreSQL (two hosts cannot share a SQLite file)")
    import psycopg

    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    probe = (
        "from portal.models import User; print(User.objects.filter(username='thuongtruc').exists())"
    )
    out = subprocess.run(
        [*manage, "shell", "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if "True" not in out.stdout:
        subprocess.run([*manage, "load_demo"], cwd=ROOT, env=env, check=True)


def sign_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/dang-nhap/", timeout=10)
    answer = session.post(
        f"{base}/dang-nhap/",
        data={
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "username": username,
            "password": PASSWORD,
        },
        headers={"Referer": f"{base}/dang-nhap/"},
        allow_redirects=False,
        timeout=10,
    )
    if answer.status_code != 302:
        fail(f"{username} could not sign in through {base} ({answer.status_code})")
    return session


def main() -> None:
    if "DATABASE_URL" not in os.environ:
        fail("set DATABASE_URL=postgres://…")
    media_root = Path(tempfile.mkdtemp(prefix="thidua-media-"))
    env = {
        **os.environ,
        "DEBUG": "1",  # plain HTTP on loopback (no Secure cookies, no HTTPS redirect)
        "REDIS_URL": "",
        "MEDIA_ROOT": str(media_root),
        "MEDIA_BUCKET": BUCKET,
        "MEDIA_ENDPOINT_URL": f"http://127.0.0.1:{S3_PORT}",
        "MEDIA_REGION": "us-east-1",
        "MEDIA_ACCESS_KEY": "demo-access",
        "MEDIA_SECRET_KEY": "demo-secret",
    }
    procs: list[subprocess.Popen] = []
    try:
        procs.append(
            subprocess.Popen(
                [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(S3_PORT)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        wait_for(f"http://127.0.0.1:{S3_PORT}/")
        s3 = boto3.client(
            "s3",
            endpoint_url=env["MEDIA_ENDPOINT_URL"],
            region_name="us-east-1",
            aws_access_key_id="demo-access",
            aws_secret_access_key="demo-secret",
        )
        s3.create_bucket(Bucket=BUCKET)
        prepare_database(env)  # the demo's sample evidence goes to the bucket too
        for port in (PORT_A, PORT_B):
            procs.append(
                subprocess.Popen(
                    [str(BIN / "gunicorn"), "portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
                    cwd=ROOT,
                    env=env,
                    stderr=subprocess.DEVNULL,
                )
            )
        host_a, host_b = f"http://127.0.0.1:{PORT_A}", f"http://127.0.0.1:{PORT_B}"
        wait_for(f"{host_a}/healthz/")
        wait_for(f"{host_b}/healthz/")

        officer = sign_in(host_a, "canbo.phoan")
        form = officer.get(f"{host_a}{FEEDBACK_CREATE}", timeout=10).text
        unit = re.search(r'name="unit"[^>]*>.*?<option value="(\d+)"[^>]*selected', form, re.S)
        unit = unit or re.search(r'<option value="(\d+)"', form)
        if not unit:
            fail("the feedback form offers the officer no unit")
        answer = officer.post(
            f"{host_a}{FEEDBACK_CREATE}",
            data={
                "csrfmiddlewaretoken": officer.cookies["csrftoken"],
                "unit": unit.group(1),
                "year": "2025",
                "kind": re.search(r'name="kind"[^>]*>\s*<option value="([^"]+)"', form).group(1),
                "subject": "Đề nghị hỗ trợ kinh phí làm đường giao thông thôn",
                "body": "Thử nghiệm tệp đính kèm dùng chung giữa hai máy chủ web.",
            },
            files={"files": ("de-nghi-ho-tro.pdf", PDF, "application/pdf")},
            headers={"Referer": f"{host_a}{FEEDBACK_CREATE}"},
            timeout=30,
        )
        link = re.search(r'href="(/phong-trao/giam-sat/kho-khan/tep/\d+/)"', answer.text)
        if answer.status_code != 200 or not link:
            fail(f"sending through A did not show the attachment (HTTP {answer.status_code})")
        print(f"Máy A (:{PORT_A}): cán bộ xã gửi khó khăn kèm tệp PDF ({len(PDF)} byte): OK")

        secretariat = sign_in(host_b, "thuongtruc")
        download = secretariat.get(f"{host_b}{link.group(1)}", timeout=10)
        if download.status_code != 200 or download.content != PDF:
            fail(f"host B did not serve the same file (HTTP {download.status_code})")
        if not download.headers.get("Content-Disposition", "").startswith("attachment"):
            fail("host B served the file inline")
        if download.headers.get("X-Content-Type-Options") != "nosniff":
            fail("host B served the file without nosniff")
        print(f"Máy B (:{PORT_B}): Cơ quan thường trực tải đúng tệp đó (tải xuống, nosniff): OK")

        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
        keys = [k for k in keys if s3.get_object(Bucket=BUCKET, Key=k)["Body"].read() == PDF]
        if len(keys) != 1:
            fail(f"the bucket holds {len(keys)} copies of the attachment, expected one")
        local = [p for p in media_root.rglob("*") if p.is_file()]
        if local:
            fail(f"files were written on the host: {local}")
        print(f"Tệp nằm trong kho đối tượng ({BUCKET}/{keys[0]}), thư mục media của máy trống: OK")
        unsigned = requests.get(f"{env['MEDIA_ENDPOINT_URL']}/{BUCKET}/{keys[0]}", timeout=10)
        if unsigned.status_code == 200:
            fail("the bucket serves the object without a signature")
        print(f"Kho từ chối yêu cầu không ký (HTTP {unsigned.status_code}): OK")
        print("PASS: two web hosts share media through object storage")
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=10)
        shutil.rmtree(media_root, ignore_errors=True)


if __name__ == "__main__":
    main()
