"""Fill a form the way a browser would: read the page, take what its form would post.

Tests that save through a page use this instead of writing the POST body by hand, so the body
carries what the page really holds (the edit guard's `seen` token included) and a test breaks
when the page and the view disagree."""

from __future__ import annotations

import html

import lxml.html
from django.http import HttpResponse


def page_forms(response: HttpResponse):
    html = response.content.decode()
    return [f for f in lxml.html.fromstring(html).forms if (f.method or "").upper() == "POST"]


def form_data(response: HttpResponse, *, action: str | None = None, has: str = "seen") -> dict:
    """The body of the first POST form on the page whose action ends with `action` (any when
    None) and which has a field named `has`. Multiple values (checkboxes) come as lists."""
    own_path = response.request.get("PATH_INFO", "") if hasattr(response, "request") else ""
    for form in page_forms(response):
        target = form.get("action") or own_path  # no action: the form posts to its own page
        if action is not None and not target.endswith(action):
            continue
        # A browser drops the newline right after <textarea> (Django writes one); lxml keeps it.
        values = [
            (name, value[1:] if value.startswith("\n") and _is_textarea(form, name) else value)
            for name, value in form.form_values()
        ]
        names = [name for name, _ in values] + list(form.fields.keys())
        if has and not any(n == has or n.endswith(f"-{has}") for n in names):
            continue
        data: dict = {}
        for name, value in values:
            if name in data:
                data[name] = [
                    *(data[name] if isinstance(data[name], list) else [data[name]]),
                    value,
                ]
            else:
                data[name] = value
        return data
    raise AssertionError(f"No POST form with field {has!r} (action {action!r}) on the page")


def _is_textarea(form, name: str) -> bool:
    return any(el.tag == "textarea" for el in form.inputs if el.get("name") == name)


def assert_refused(
    response: HttpResponse,
    *,
    who: str,
    typed: str,
    endorsing: bool = False,
    statuses: tuple[int, ...] = (200, 400, 409),
) -> None:
    """The edit guard refused a save from an older page: it names who changed the row, and what
    the person typed is still on the page. An edit says "Không lưu được", an action that
    endorses the row as shown (approve, decide, publish) "Không thực hiện được"."""
    assert response.status_code in statuses
    text = html.unescape(response.content.decode())
    assert ("Không thực hiện được:" if endorsing else "Không lưu được:") in text
    assert who in text
    assert typed in text
