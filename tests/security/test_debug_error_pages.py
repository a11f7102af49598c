"""With DEBUG=1 (as `make demo` runs) the portal still answers with its own Vietnamese error
pages: never Django's technical 404 with the list of every URL pattern, never a traceback page
(issue 20, goal 4; portal.errors.OwnErrorPagesMiddleware)."""

from __future__ import annotations

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

#: Words of Django's technical pages: the URL pattern list, the traceback, the settings dump.
TECHNICAL = ("Using the URLconf", "Page not found at", "Traceback", "DEBUG = True", "Django tried")


def assert_portal_page(response, status: int, title: str) -> None:
    body = response.content.decode()
    assert response.status_code == status
    assert title in body
    assert response["X-Request-ID"] in body
    for word in TECHNICAL:
        assert word not in body, word
    assert "int:pk" not in body  # no URL pattern is listed


@override_settings(DEBUG=True)
def test_unknown_address_shows_the_vietnamese_not_found_page_in_debug(client_as, world):
    assert_portal_page(
        client_as("officer_a").get("/khong-co-trang-nay/"), 404, "Không tìm thấy trang"
    )
    assert_portal_page(client_as("anonymous").get("/khong-co-trang-nay/"), 404, "Không tìm thấy")


@override_settings(DEBUG=True)
def test_record_that_does_not_exist_shows_the_vietnamese_not_found_page_in_debug(client_as, world):
    response = client_as("secretariat").get("/nguoi-dung/999999/sua/")
    assert_portal_page(response, 404, "Không tìm thấy trang")


@override_settings(DEBUG=True)
def test_page_the_user_may_not_open_shows_the_vietnamese_refusal_in_debug(client_as, world):
    assert_portal_page(client_as("officer_a").get("/nguoi-dung/"), 403, "Không có quyền truy cập")


@override_settings(DEBUG=True, ROOT_URLCONF="tests.security.urls_boom")
def test_server_error_shows_the_vietnamese_page_not_the_traceback_in_debug(client_as, world):
    client = client_as("officer_a")
    client.raise_request_exception = False
    response = client.get("/__loi-thu__/")
    assert_portal_page(response, 500, "Hệ thống gặp lỗi")
    for leak in ("RuntimeError", "matkhau", "postgres://"):
        assert leak not in response.content.decode()


@override_settings(DEBUG=True)
def test_address_without_its_final_slash_still_redirects_in_debug(client_as, world):
    response = client_as("officer_a").get("/nguoi-dung")
    assert response.status_code == 301
    assert response["Location"] == "/nguoi-dung/"


@override_settings(DEBUG=True)
def test_nul_character_in_the_address_shows_the_vietnamese_refusal_in_debug(client_as, world):
    response = client_as("officer_a").get("/don-vi/", {"q": "a\x00b"})
    assert_portal_page(response, 400, "Yêu cầu không hợp lệ")
    assert "ký tự rỗng NUL" in response.content.decode()
