"""Request id, idle-session timeout, no-store headers for signed-in pages, compressed pages,
Unicode NFC for every parameter."""

from __future__ import annotations

import contextvars
import logging
import time
import unicodedata
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, QueryDict, UnreadablePostError
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

Handler = Callable[[HttpRequest], HttpResponse]


def current_request_id() -> str:
    return _request_id.get()


class RequestIdLogFilter(logging.Filter):
    """Adds the current request id to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class RequestIdMiddleware:
    """Gives each request an id, shown on error pages and in the X-Request-ID header, so a
    user's report of an error can be found in the logs."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = uuid.uuid4().hex[:12]
        request.request_id = rid  # type: ignore[attr-defined]
        token = _request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


class SessionLifetimeMiddleware:
    """Ends a session after SESSION_IDLE_SECONDS without a request, and in any case
    SESSION_COOKIE_AGE (12 hours) after it began.

    The absolute limit is kept here, not left to the cookie: the session is re-saved when
    `last_seen` moves, and each save pushes the stored expiry SESSION_COOKIE_AGE further, so
    without `started` an active user would never be signed out."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen")
            started = request.session.get("started")
            if started is not None and now - int(started) > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(
                    request, "Phiên làm việc đã quá thời hạn tối đa. Vui lòng đăng nhập lại."
                )
            elif last is not None and now - int(last) > settings.SESSION_IDLE_SECONDS:
                logout(request)
                messages.info(
                    request, "Phiên làm việc đã hết hạn do không thao tác. Vui lòng đăng nhập lại."
                )
            else:
                if started is None:
                    request.session["started"] = now
                if last is None or now - int(last) > 60:
                    # Written at most once a minute, so requests do not rewrite the session.
                    request.session["last_seen"] = now
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Signed-in pages hold officers' data: never keep them in a shared or browser cache."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store, private"
        return response


class CompressPagesMiddleware(GZipMiddleware):
    """Gzip for pages and page fragments (HTML, JSON) only, for officers on slow office
    connections: the self-assessment page's ~50 KB cross the wire as ~6 KB. gunicorn serves
    the browsers directly (docker-compose), so nothing else would compress them. Files are left
    alone: downloads are streamed, PDFs, images and Office files are compressed already, and
    their Content-Length keeps the browser's download progress; static files never get here
    (WhiteNoise answers them first, precompressed). Against BREACH, Django pads each compressed
    response with random bytes ("Heal the Breach") and masks the CSRF token anew per response."""

    TYPES = ("text/html", "application/json")

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if response.streaming or not response.get("Content-Type", "").startswith(self.TYPES):
            return response
        return super().process_response(request, response)


def nfc(text: str) -> str:
    """Vietnamese text in one Unicode form (NFC): "ổ" as one code point, as most keyboards and
    the database's contents write it, so that what was typed decomposed is found by search."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _nfc_querydict(params: QueryDict) -> QueryDict:
    if all(
        unicodedata.is_normalized("NFC", k) and all(unicodedata.is_normalized("NFC", v) for v in vs)
        for k, vs in params.lists()
    ):
        return params
    normalized = QueryDict(mutable=True, encoding=params.encoding)
    for key, values in params.lists():
        normalized.setlist(nfc(key), [nfc(v) for v in values])
    normalized._mutable = False
    return normalized


class UnicodeNfcMiddleware:
    """Every GET parameter and POST field (searches, forms, htmx autosave) and every uploaded
    file's name reach the views in NFC (docs/input.md). Some Vietnamese keyboards (and macOS file
    names) send decomposed text (NFD): "Phổ" as "Pho" + two combining marks. Stored as sent, it
    looks the same but is not found by a search typed in NFC, and the other way round."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.GET = _nfc_querydict(request.GET)  # type: ignore[assignment]  # stays immutable
        if request.method == "POST":
            try:
                request.POST = _nfc_querydict(request.POST)  # type: ignore[assignment]
                for _field, uploads in request.FILES.lists():  # every file of a multiple field
                    for upload in uploads:
                        if upload.name:
                            upload.name = nfc(upload.name)
            except UnreadablePostError:
                pass  # the client went away; CsrfViewMiddleware answers as it does without us
        return self.get_response(request)
