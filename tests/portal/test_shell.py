"""Site shell: sign-in, health, menus, user management, sessions."""

from __future__ import annotations

import json

from django.contrib.sessions.models import Session
from django.urls import reverse

from portal.models import User
from portal.roles import Role


def test_sign_in_page_is_vietnamese(client, db):
    html = client.get(reverse("login")).content.decode()
    assert "Đăng nhập" in html
    assert "Mật khẩu" in html
    assert 'lang="vi"' in html


def test_wrong_password_gives_a_vietnamese_message(client, users):
    response = client.post(
        reverse("login"), {"username": "secretariat", "password": "sai-mat-khau"}
    )
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_sign_in_rotates_the_session(client, users):
    client.get(reverse("login"))
    client.cookies["sessionid"] = "attacker-chosen"
    client.post(reverse("login"), {"username": "secretariat", "password": "MatKhau@12345"})
    assert client.cookies["sessionid"].value != "attacker-chosen"
    assert client.get(reverse("home")).status_code == 200


def test_healthz_reports_database_and_eager_broker(client, db):
    data = json.loads(client.get(reverse("healthz")).content)
    assert data == {"database": "ok", "broker": "eager", "status": "ok"}


def _menu_labels(client) -> set[str]:
    groups = client.get(reverse("home")).context["menu"]
    return {item["label"] for group in groups for item in group["items"]}


def test_menu_follows_the_role(client_as):
    secretariat = _menu_labels(client_as("secretariat"))
    officer = _menu_labels(client_as("officer_a"))
    observer = _menu_labels(client_as("observer"))
    assert {"Đơn vị", "Người dùng", "Nhập dữ liệu"} <= secretariat
    assert "Đơn vị" in officer
    assert "Người dùng" not in officer
    assert "Người dùng" not in observer


def test_secretariat_creates_an_officer_bound_to_a_unit(client_as, world):
    response = client_as("secretariat").post(
        reverse("user-create"),
        {
            "username": "canbo.moi",
            "full_name": "Cán Bộ Mới",
            "roles": [Role.UNIT_OFFICER],
            "units": [world.commune_b.pk],
            "password": "Mot-Mat-Khau-Dai",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="canbo.moi")
    assert user.roles == {Role.UNIT_OFFICER}
    assert list(user.units.all()) == [world.commune_b]


def test_an_officer_without_a_unit_is_refused(client_as, world):
    response = client_as("secretariat").post(
        reverse("user-create"),
        {
            "username": "canbo.lac",
            "full_name": "Cán Bộ Lạc",
            "roles": [Role.UNIT_OFFICER],
            "password": "Mot-Mat-Khau-Dai",
        },
    )
    assert "phải được gắn với ít nhất một đơn vị" in response.content.decode()
    assert not User.objects.filter(username="canbo.lac").exists()


def test_deactivating_a_user_ends_their_sessions(client_as, users):
    officer = client_as("officer_b")
    assert officer.get(reverse("home")).status_code == 200
    client_as("secretariat").post(reverse("user-toggle-active", args=[users["officer_b"].pk]))
    assert officer.get(reverse("home")).status_code == 302
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(users["officer_b"].pk)
        for s in Session.objects.all()
    )


def test_idle_session_expires(client_as, settings):
    client = client_as("observer")
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["last_seen"] = 0
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_error_pages_show_a_request_id_not_a_traceback(client_as, world):
    response = client_as("officer_b").get(reverse("units:unit-detail", args=[world.commune_a.pk]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Mã yêu cầu" in html
    assert response["X-Request-ID"] in html
    assert "Traceback" not in html
