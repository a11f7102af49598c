"""Load profile of the portal on the province-sized data set (issue #8 item 11).

Run by scripts/bench_load.py (`make bench`), which creates the accounts first
(scripts/bench_load_setup.py → var/bench/load_accounts.json) and reads the raw log this file
writes. By hand, against a running gunicorn:

    LOAD_ACCOUNTS=var/bench/load_accounts.json LOAD_RAW=/tmp/raw.json \\
      .venv/bin/locust -f scripts/locustfile.py --headless -u 80 -r 10 --run-time 60s \\
      --host http://127.0.0.1:8795

The mix, by number of simulated users (locust weights 7 : 2 : 1):

* 70 % unit officers — one account per commune whose self-assessment for the last year is still
  editable. Each opens its self-assessment page, changes a score and a note and saves the draft
  through the real form (CSRF token and the compare-and-swap `revision` the page carries), then
  reads the page it is sent back to; also the assessment list, the NTM results and its dashboard.
  A refused save (400: stale revision, not editable, invalid value) counts as an error.
* 20 % council members — the open bench council session (its ballots reset before each run), the
  nominations before the council, a nomination's dossier, decisions; a member votes on the next
  agenda item the page still offers a ballot for (one vote per member and item, as the service
  enforces), and the vote must be acknowledged on the page it returns to.
* 10 % chairmen — the overview dashboard, commune ranking, criteria heatmap, target progress,
  completeness, the reports archive, a rendered report's page and its PDF, the sign-off queue.
  (Only the secretariat may request a report; report rendering is measured on its own queue by
  the driver, item 13.)

Every class also calls the trivial view `/healthz/` now and then: its p95 is the floor the page
times are compared with. Requests are named by route, never by URL with ids. Think time between
tasks is LOAD_WAIT_MIN…LOAD_WAIT_MAX seconds (default 3–10: someone reading a page or typing a
score). Every request is also written, with its start time, to LOAD_RAW (JSON) when the run ends,
so the driver can compute the HTML / POST aggregates, the steady-state window and the error
count over the whole run.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from html.parser import HTMLParser
from pathlib import Path

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

ACCOUNTS = json.loads(
    Path(os.environ.get("LOAD_ACCOUNTS", "var/bench/load_accounts.json")).read_text()
)
CAMPAIGN = ACCOUNTS["campaign"]
YEAR = ACCOUNTS["year"]
PASSWORD = ACCOUNTS["password"]
Q = f"year={YEAR}"
WAIT = between(
    float(os.environ.get("LOAD_WAIT_MIN", "3")), float(os.environ.get("LOAD_WAIT_MAX", "10"))
)
RAW = os.environ.get("LOAD_RAW", "")

# Route name → kind, read by the driver: html (a page), post (a write), file (PDF download),
# trivial (the floor), login (sign-in, happens during ramp-up; reported on its own).
KINDS: dict[str, str] = {}


def route(name: str, kind: str = "html") -> str:
    KINDS[name] = kind
    return name


TRIVIAL = route("trivial: /healthz/", "trivial")
LOGIN_FORM = route("login: form", "login")
LOGIN_POST = route("login: sign in", "login")

# --- raw log --------------------------------------------------------------------------------------
RECORDS: list[list] = []
MARKS: dict[str, float] = {"start": time.time()}
SIGNED_IN: list[str] = []
SIGNAL = os.environ.get("LOAD_SIGNED_IN", "")  # file written when every user has signed in


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kw):
    start = kw.get("start_time") or time.time() - response_time / 1000
    error = None if exception is None else str(exception)[:200]
    RECORDS.append([round(start, 3), request_type, name, round(response_time, 2), error])


@events.spawning_complete.add_listener
def _spawned(user_count, **kw):
    MARKS.setdefault("spawned", time.time())


@events.quitting.add_listener
def _dump(environment, **kw):
    if RAW:
        MARKS["end"] = time.time()
        Path(RAW).write_text(json.dumps({"marks": MARKS, "kinds": KINDS, "requests": RECORDS}))


# --- HTML forms -----------------------------------------------------------------------------------
class Forms(HTMLParser):
    """The forms of a page as a browser would submit them: id/action → [(name, value)], with
    disabled fields left out, text areas and the selected option of each select."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: list | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"id": a.get("id"), "action": a.get("action"), "fields": []}
            self.forms.append(self._form)
        elif self._form is None or "disabled" in a:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("file", "submit"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append([a["name"], a.get("value") or ""])
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
            self._form["fields"].append(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select, self._select_value = a["name"], None
        elif (
            tag == "option"
            and self._select is not None
            and (self._select_value is None or "selected" in a)
        ):
            self._select_value = a.get("value") or ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            self._form["fields"].append([self._select, self._select_value or ""])
            self._select = None
        elif tag == "form":
            self._form = None

    def find(self, *, id: str | None = None, action: str | None = None) -> dict | None:
        for form in self.forms:
            if (id and form["id"] == id) or (action and (form["action"] or "").startswith(action)):
                return form
        return None


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VOTE_ACTION = re.compile(r'action="(/khen-thuong/bieu-quyet/\d+/)"')
NOMINATION_LINK = re.compile(r'href="(/khen-thuong/de-nghi/\d+/)"')
REPORT_LINK = re.compile(r'href="(/bao-cao/\d+/)"')


class PortalUser(FastHttpUser):
    abstract = True
    wait_time = WAIT
    pool: list = []
    accounts: itertools.count

    def on_start(self):
        index = next(type(self).accounts)
        if index >= len(self.pool):
            raise StopUser(f"{type(self).__name__}: không đủ tài khoản ({len(self.pool)}).")
        self.username = self.account_name(self.pool[index])
        self.setup_account(self.pool[index])
        self.login()

    def account_name(self, account) -> str:
        return account

    def setup_account(self, account) -> None:
        pass

    def login(self) -> None:
        page = self.client.get("/dang-nhap/", name=LOGIN_FORM)
        token = CSRF.search(page.text or "")
        if token is None:
            raise StopUser("trang đăng nhập không có mã CSRF")
        with self.client.post(
            "/dang-nhap/",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "username": self.username,
                "password": PASSWORD,
                "next": "",
            },
            name=LOGIN_POST,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "dang-nhap" in response.headers.get("Location", ""):
                response.failure(f"đăng nhập {self.username}: HTTP {response.status_code}")
                raise StopUser
        SIGNED_IN.append(self.username)
        if len(SIGNED_IN) == self.environment.runner.target_user_count:
            # Every user is in: the driver starts its side work (reports) from this moment.
            MARKS["signed_in"] = time.time()
            if SIGNAL:
                Path(SIGNAL).write_text(str(MARKS["signed_in"]))

    def page(self, url: str, name: str, must_contain: str | None = None, check=None):
        """GET a page without following redirects (a redirect would mean the session was lost);
        `check(response)` may return an error text."""
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                where = response.headers.get("Location", "") if response.headers else ""
                response.failure(f"HTTP {response.status_code} {where}".strip())
            elif must_contain and must_contain not in (response.text or ""):
                response.failure(f"thiếu “{must_contain}”")
            elif check is not None and (problem := check(response)):
                response.failure(problem)
            return response

    def post_form(self, url: str, data, name: str, after: str, expect: str) -> None:
        """POST as the browser does (no redirect following in the timing), then read the page
        the portal sends the user to and check the success message is on it."""
        with self.client.post(
            url, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text or ""))
                start = text.find("Chưa lưu")
                response.failure(f"HTTP {response.status_code}: {text[max(start, 0) :][:160]}")
                return
            location = response.headers.get("Location", "")
        self.page(location, after, must_contain=expect)

    @task(2)
    def healthz(self):
        self.page("/healthz/", TRIVIAL, must_contain='"database": "ok"')


class Officer(PortalUser):
    """Enters and saves the commune's self-assessment for the current year."""

    weight = 7
    pool = ACCOUNTS["officers"]
    accounts = itertools.count()

    def account_name(self, account) -> str:
        return account["username"]

    def setup_account(self, account) -> None:
        self.detail = f"/phong-trao/tu-danh-gia/{account['assessment']}/"

    @task(4)
    def save_draft(self):
        found = {}

        def has_form(response):
            found["form"] = Forms(response.text or "").find(id="assessment-form")
            if found["form"] is None:
                return "không có biểu mẫu tự đánh giá (bản không còn sửa được?)"
            return None

        self.page(self.detail, route("officer: self-assessment page"), check=has_form)
        form = found["form"]
        if form is None:
            return
        fields = dict(form["fields"])
        scores = [n for n in fields if n.endswith("_score")]
        for name in random.sample(scores, k=min(2, len(scores))):
            fields[name] = f"{random.randint(5, 9)},{random.choice('05')}"
            fields[name.replace("_score", "_note")] = f"Cập nhật lúc {time.strftime('%H:%M:%S')}"
        fields["then"] = "save"
        self.post_form(
            form["action"],
            fields,
            route("officer: save draft", "post"),
            route("officer: self-assessment page after save"),
            "Đã lưu bản tự đánh giá.",
        )

    @task(2)
    def read_page(self):
        self.page(self.detail, route("officer: self-assessment page"))

    @task(1)
    def assessment_list(self):
        self.page(
            f"/phong-trao/{CAMPAIGN}/tu-danh-gia/?{Q}", route("officer: self-assessment list")
        )

    @task(1)
    def ntm_results(self):
        self.page(f"/phong-trao/{CAMPAIGN}/ket-qua/ntm/?{Q}", route("officer: NTM results"))

    @task(1)
    def dashboard(self):
        self.page(f"/?{Q}", route("officer: dashboard"))


class CouncilMember(PortalUser):
    """Browses what is before the council and votes in the open session."""

    weight = 2
    pool = ACCOUNTS["council"]
    accounts = itertools.count()

    def setup_account(self, account) -> None:
        self.session = f"/khen-thuong/hoi-dong/{ACCOUNTS['session']}/"
        self.nominations: list[str] = []

    @task(4)
    def vote(self):
        page = self.page(self.session, route("council: session page"))
        actions = VOTE_ACTION.findall(page.text or "")
        if not actions:
            return  # voted on every item already: reading the page was the task
        token = CSRF.search(page.text or "")
        self.post_form(
            actions[0],
            {
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "choice": random.choice(["agree"] * 8 + ["disagree", "abstain"]),
            },
            route("council: cast vote", "post"),
            route("council: session page after vote"),
            "Đã ghi nhận biểu quyết",
        )

    @task(2)
    def nominations_before_council(self):
        page = self.page(
            f"/phong-trao/{CAMPAIGN}/khen-thuong/de-nghi/?status=in_council",
            route("council: nominations in council"),
        )
        self.nominations = NOMINATION_LINK.findall(page.text or "") or self.nominations

    @task(2)
    def dossier(self):
        if self.nominations:
            self.page(random.choice(self.nominations), route("council: nomination dossier"))
        else:
            self.nominations_before_council()

    @task(1)
    def sessions(self):
        self.page(f"/phong-trao/{CAMPAIGN}/khen-thuong/hoi-dong/", route("council: session list"))

    @task(1)
    def decisions(self):
        self.page(f"/phong-trao/{CAMPAIGN}/khen-thuong/quyet-dinh/", route("council: decisions"))


class Chairman(PortalUser):
    """The chairman's figures and the reports archive."""

    weight = 1
    pool = ACCOUNTS["chairmen"]
    accounts = itertools.count()

    def setup_account(self, account) -> None:
        self.reports: list[str] = []

    @task(3)
    def dashboard(self):
        self.page(f"/?{Q}", route("chairman: dashboard"))

    @task(2)
    def ranking(self):
        self.page(f"/phong-trao/{CAMPAIGN}/xep-hang/?{Q}", route("chairman: commune ranking"))

    @task(1)
    def heatmap(self):
        self.page(
            f"/phong-trao/{CAMPAIGN}/xep-hang/bang-tieu-chi/?{Q}",
            route("chairman: criteria heatmap"),
        )

    @task(1)
    def targets(self):
        self.page(
            f"/phong-trao/{CAMPAIGN}/xep-hang/chi-tieu/?{Q}", route("chairman: target progress")
        )

    @task(1)
    def completeness(self):
        self.page(f"/phong-trao/{CAMPAIGN}/tien-do/?year={YEAR}", route("chairman: completeness"))

    @task(2)
    def archive(self):
        page = self.page(f"/phong-trao/{CAMPAIGN}/bao-cao/", route("chairman: reports archive"))
        self.reports = REPORT_LINK.findall(page.text or "") or self.reports

    @task(2)
    def report(self):
        if not self.reports:
            self.archive()
            return
        url = random.choice(self.reports)
        self.page(url, route("chairman: report page"))
        with self.client.get(
            f"{url}xem.pdf", name=route("file: report PDF", "file"), catch_response=True
        ) as response:
            if response.status_code == 404:
                response.success()  # not rendered yet (queued or rendering): the page says so
            elif not (response.content or b"").startswith(b"%PDF"):
                response.failure("không phải PDF")

    @task(1)
    def signoff_queue(self):
        self.page("/bao-cao/cho-ky/", route("chairman: sign-off queue"))
