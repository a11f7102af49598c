"""Refuses a request that carries a NUL character (U+0000) in its path, query string or form
fields, with a 400 page, before any view sees it.

PostgreSQL cannot store or compare NUL in text ("A string literal cannot contain NUL"), so a
NUL in a filter value reached the database driver and answered 500 on every list that filters
by text; SQLite took it silently. No person types a NUL: it comes from a crafted link or a
broken client, and there is nothing useful to do with it but say the request is wrong. Form
fields already refuse it one by one (Django's CharField); this guard covers the values that
views read from request.GET/POST directly and the path's own segments. Uploaded files are
not form fields and are not looked at here.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, QueryDict

NUL = "\x00"


class NulCharacter(BadRequest):
    """The request has a NUL character; answered 400 by portal.errors.bad_request."""

    message = (
        "Địa chỉ hoặc dữ liệu gửi lên có ký tự không hợp lệ (ký tự rỗng NUL). "
        "Đề nghị mở lại trang từ trình đơn và nhập lại."
    )

    def __init__(self) -> None:
        super().__init__(self.message)


def has_nul(data: QueryDict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (NUL in request.path_info or has_nul(request.GET)) or (
            request.method == "POST" and has_nul(request.POST)
        ):
            if settings.DEBUG:
                # Django would answer the exception with its traceback page; this middleware is
                # outside portal.errors.OwnErrorPagesMiddleware, so it answers with the page itself.
                from .errors import bad_request

                return bad_request(request, NulCharacter())
            raise NulCharacter
        return self.get_response(request)
