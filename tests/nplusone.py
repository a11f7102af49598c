"""The N+1 detector of the test suite: django-zeal around every request.

`tests/settings.py` puts `middleware` first in MIDDLEWARE. Each request runs inside
`zeal.zeal_context()`, so loading a relation (or calling `.get()`) for the second time from the
same line raises `zeal.NPlusOneError` and fails the test that made the request. Code outside a
request (factories, fixtures, services called directly) is not watched: building rows one by
one in a test is not an N+1 of the portal.

zeal keys a repeated query by the first line outside site-packages that caused it. When both
queries are made inside Django itself (a sign-in, a form's cleaning), that line is the same even
though the queries are not a loop over rows; PER_VIEW_ALLOWLIST lets such a look-up through for
that one view only, each with its reason. Entries that hold for every request (the audit chain)
are in `ZEAL_ALLOWLIST` in `tests/settings.py`.
"""

from __future__ import annotations

from contextlib import nullcontext

from django.urls import Resolver404, resolve
from zeal import zeal_context, zeal_ignore

#: URL name → zeal allowlist entries for that view only.
PER_VIEW_ALLOWLIST: dict[str, list[dict[str, str]]] = {
    # Django's LoginView: authenticate() reads the user by name, then login() →
    # update_last_login() saves them and simple_history snapshots the user's units (m2m
    # history), reading the user again. Two reads of one user, both inside django.contrib.auth,
    # which zeal attributes to the same line of the view wrapper.
    "login": [{"model": "portal.User", "field": "get()"}],
    # The nomination form's two ModelChoiceFields on Unit (nominee unit, proposing unit) each
    # read their one Unit in Form.is_valid(): two fields, not a loop over rows.
    "awards:nomination-create": [{"model": "units.Unit", "field": "get()"}],
    # Bulk approval approves each chosen assessment through assessment_approve(), in its own
    # transaction, which reads the assessment's items after the compare-and-swap on its status
    # (so a score saved meanwhile is never overwritten) and saves each item with its history and
    # audit event. Reading the items up front would lose that guarantee; the per-item writes
    # outnumber the one read per assessment anyway.
    "campaigns:review-bulk-approve": [{"model": "campaigns.Assessment", "field": "items"}],
    # The chairman's "Ký duyệt" locks the report to record the request; the signing job locks it
    # again to sign (reports.services._lock_report). Without a broker and without the background
    # thread (the tests' settings) that job runs inside the request, after its commit: two
    # steps of one act, not a loop over rows.
    "reports:report-sign": [{"model": "reports.Report", "field": "get()"}],
}


def _allowlist(path: str) -> list[dict[str, str]]:
    try:
        name = resolve(path).view_name
    except Resolver404:
        return []
    return PER_VIEW_ALLOWLIST.get(name, [])


def middleware(get_response):
    def detect_nplusone(request):
        allow = _allowlist(request.path_info)
        with zeal_context(), zeal_ignore(allow) if allow else nullcontext():
            return get_response(request)

    return detect_nplusone
