"""Refuses a request whose body is larger than allowed before anything reads it (413).

Django reads a form's body when a view (or CsrfViewMiddleware, or UnicodeNfcMiddleware) first
touches `request.POST` / `request.FILES`, and it spools every uploaded file whole to memory or
disk before a form can check its size. `DATA_UPLOAD_MAX_MEMORY_SIZE` does not count files. So an
anonymous 1 GB upload to /verify/ tied a worker up for seconds and filled the temporary disk
before the form said "too large". This middleware sits before everything that reads the body and
answers from the `Content-Length` header alone:

- the paths in `settings.REQUEST_BODY_LIMITS` (prefix → bytes of the file; /verify/:
  `PUBLIC_UPLOAD_MAX_BYTES`) have their own limit, plus `FORM_OVERHEAD_BYTES` for the form's
  other fields;
- a request without a signed-in session: `ANONYMOUS_REQUEST_MAX_BYTES` (sign-in, public comments);
- any other: `REQUEST_MAX_BYTES` (20 evidence files of `UPLOAD_MAX_BYTES` in one form).

A body without a length (`Transfer-Encoding: chunked`) is refused with 411: Django's WSGI request
reads no more than `Content-Length` says, so such a body would be read as empty anyway, and the
sender is told why. A length that is not a number is refused with 400. The reverse proxy in front
sets the same limits (docs/deployment.md, `client_max_body_size`), so the largest bodies never
reach a web worker at all.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .middleware import current_request_id
from .numbers import format_vn_number

Handler = Callable[[HttpRequest], HttpResponse]


def megabytes(size: int) -> str:
    """10485760 → "10 MB"; 65536 → "64 KB" (what the messages show)."""
    if size >= 1024 * 1024:
        value = size / (1024 * 1024)
        return f"{format_vn_number(value, 0 if value == int(value) else 1)} MB"
    return f"{format_vn_number(max(size // 1024, 1))} KB"


def body_limit(request: HttpRequest) -> tuple[int, int, bool]:
    """The limit this request is told (bytes), the largest body it may carry, and whether that
    is the limit of a request without a signed-in session."""
    path = request.path_info
    for prefix, limit in settings.REQUEST_BODY_LIMITS.items():
        if path.startswith(prefix):
            return int(limit), int(limit) + settings.FORM_OVERHEAD_BYTES, False
    session = getattr(request, "session", None)
    if session is None or not session.get(SESSION_KEY):
        limit = settings.ANONYMOUS_REQUEST_MAX_BYTES
        return limit, limit, True
    return settings.REQUEST_MAX_BYTES, settings.REQUEST_MAX_BYTES, False


def _page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    # No `Connection: close` here: WSGI forbids an application to set hop-by-hop headers
    # (wsgiref, and so runserver, refuses the response). The server closes the connection of a
    # body it did not read (gunicorn's sync workers close after every response).
    return render(
        request,
        "error.html",
        {"status": status, "title": title, "text": text, "request_id": current_request_id()},
        status=status,
    )


def too_large(request: HttpRequest, limit: int, *, anonymous: bool = False) -> HttpResponse:
    text = (
        f"Dữ liệu gửi lên (kể cả tệp đính kèm) vượt quá giới hạn {megabytes(limit)} cho mỗi "
        "lần gửi. Đề nghị chọn tệp nhỏ hơn (hoặc gửi ít tệp hơn trong một lần) rồi gửi lại."
    )
    if anonymous:
        text += (
            " Nếu bạn đang làm việc trên cổng, có thể phiên đăng nhập đã hết hạn: "
            "đăng nhập lại rồi gửi lại."
        )
    return _page(request, 413, "Dữ liệu gửi lên quá lớn", text)


class RequestBodyLimitMiddleware:
    """After SessionMiddleware (a signed-in session has the larger limit), before every
    middleware that reads `request.POST`."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.META.get("CONTENT_LENGTH") or ""
        if not raw:
            if request.META.get("HTTP_TRANSFER_ENCODING"):
                return _page(
                    request,
                    411,
                    "Thiếu độ dài dữ liệu",
                    "Yêu cầu gửi dữ liệu không ghi rõ độ dài (Content-Length) nên không được "
                    "nhận. Đề nghị gửi lại từ biểu mẫu trên trang.",
                )
            return self.get_response(request)
        try:
            length = int(raw)
        except ValueError:
            length = -1
        if length < 0:
            return _page(
                request, 400, "Yêu cầu không hợp lệ", "Độ dài dữ liệu gửi lên không hợp lệ."
            )
        limit, allowed, anonymous = body_limit(request)
        if length > allowed:
            return too_large(request, limit, anonymous=anonymous)
        return self.get_response(request)
