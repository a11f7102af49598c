"""Error pages in Vietnamese; production errors show the request id, never a traceback.

The handlers below (portal.urls: handler400/403/404/500) answer when DEBUG is off. With DEBUG on,
Django answers an unknown address with its English technical 404 (which lists every URL pattern)
and an error with the traceback page; `OwnErrorPagesMiddleware` keeps the portal's own pages
there too, so the demo (`make demo` runs with DEBUG=1) never shows them. The traceback still
goes to the log (the runserver console).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

from .middleware import current_request_id
from .nul_guard import NulCharacter
from .uploads import StoredFileMissing


def _page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    return render(
        request,
        "error.html",
        {"status": status, "title": title, "text": text, "request_id": current_request_id()},
        status=status,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, NulCharacter):
        return _page(request, 400, "Yêu cầu không hợp lệ", NulCharacter.message)
    return _page(request, 400, "Yêu cầu không hợp lệ", "Dữ liệu gửi lên không hợp lệ.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        403,
        "Không có quyền truy cập",
        "Tài khoản của bạn không có quyền thực hiện thao tác này. "
        "Nếu cần, liên hệ cơ quan thường trực thi đua – khen thưởng để được cấp quyền.",
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, StoredFileMissing):
        return _page(
            request,
            404,
            "Không tìm thấy tệp",
            "Hồ sơ vẫn còn nhưng tệp đính kèm không còn trong kho lưu trữ của cổng. "
            "Đề nghị báo cơ quan thường trực thi đua – khen thưởng (kèm mã yêu cầu dưới đây) "
            "để khôi phục tệp từ bản sao lưu.",
        )
    return _page(
        request,
        404,
        "Không tìm thấy trang",
        "Trang hoặc hồ sơ này không tồn tại, hoặc không thuộc phạm vi đơn vị của bạn.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        500,
        "Hệ thống gặp lỗi",
        "Đã có lỗi xảy ra và đã được ghi lại. Dữ liệu bạn đã lưu trước đó không bị mất. "
        "Khi báo lỗi, vui lòng gửi kèm mã yêu cầu dưới đây.",
    )


request_logger = logging.getLogger("django.request")


class OwnErrorPagesMiddleware:
    """With DEBUG on, answer 404/400/500 with the pages above instead of Django's technical ones.

    Innermost in MIDDLEWARE, so the page renders with the signed-in user and the CSP nonce.
    With DEBUG off it does nothing: Django calls the handlers itself. A 403 needs nothing here
    (Django calls handler403 whatever DEBUG says). An exception raised by a middleware outside
    this one is not seen here: the only one of the portal's that raises, the NUL guard, answers
    with the 400 page itself when DEBUG is on.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.DEBUG:
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as exc:
                return page_not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG or isinstance(exception, PermissionDenied):
            return None
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, BadRequest | SuspiciousOperation):
            return bad_request(request, exception)
        request_logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 500, "request": request},
        )
        return server_error(request)
