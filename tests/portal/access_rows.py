"""Access rows for the site shell."""

from django.urls import reverse

from tests.access_matrix import Row, everyone

ROWS = [
    Row("home", lambda w, u: reverse("home"), everyone(200), url_names=("home",)),
    Row(
        "healthz",
        lambda w, u: reverse("healthz"),
        {"anonymous": 200, **everyone(200)},
        url_names=("healthz",),
    ),
    Row(
        "login",
        lambda w, u: reverse("login"),
        {"anonymous": 200, **everyone(302)},
        url_names=("login",),
    ),
    Row(
        "password change",
        lambda w, u: reverse("password_change"),
        everyone(200),
        url_names=("password_change", "password_change_done"),
    ),
    Row(
        "notification settings",
        lambda w, u: reverse("notification-settings"),
        everyone(200),
        url_names=("notification-settings",),
    ),
    Row(
        "user list",
        lambda w, u: reverse("user-list"),
        {"secretariat": 200},
        url_names=("user-list",),
    ),
    Row(
        "user create",
        lambda w, u: reverse("user-create"),
        {"secretariat": 200},
        url_names=("user-create",),
    ),
    Row(
        "user edit",
        lambda w, u: reverse("user-edit", args=[u["officer_a"].pk]),
        {"secretariat": 200},
        url_names=("user-edit",),
    ),
    Row(
        "user deactivate",
        lambda w, u: reverse("user-toggle-active", args=[u["officer_b"].pk]),
        {"secretariat": 302},
        method="post",
        snapshot=lambda w, u: type(u["officer_b"]).objects.get(pk=u["officer_b"].pk).is_active,
        url_names=("user-toggle-active",),
    ),
]
