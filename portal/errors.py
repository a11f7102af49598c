"""Error pages in Vietnamese; production errors show the request id, never a traceback."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
        "Nếu cần, liên hệ Cơ quan Tổ chức – Nội vụ để được cấp quyền.",
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, StoredFileMissing):
        return _page(
            request,
            404,
            "Không tìm thấy tệp",
            "Hồ sơ vẫn còn nhưng tệp đính kèm không còn trong kho lưu trữ của cổng. "
            "Đề nghị báo Cơ quan Tổ chức – Nội vụ (kèm mã yêu cầu dưới đây) để khôi phục "
            "tệp từ bản sao lưu.",
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
