"""Test-only URLconf: the portal's URLs plus a view that fails, to see the production 500 page."""

from django.urls import path

from portal.urls import handler400, handler403, handler404, handler500  # noqa: F401
from portal.urls import urlpatterns as portal_urlpatterns


def _boom(request):
    raise RuntimeError("bí mật nội bộ: chuỗi kết nối postgres://thidua:matkhau@db")


urlpatterns = [*portal_urlpatterns, path("__loi-thu__/", _boom)]
