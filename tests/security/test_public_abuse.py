"""Abuse of the public and anonymous pages (issue 16, items 9–11; docs/security.md, "The public
pages"): bodies refused from their length before they are read, look-ups and comments throttled
per client address, and the client address taken from X-Forwarded-For only from a trusted proxy.
"""

from __future__ import annotations

import os
import re
import uuid

import pytest
from django.core.cache import caches
from django.test import Client, RequestFactory
from django.urls import reverse

from awards.models import ConsultationComment, NominationStatus
from awards.nominations.services import consultation_open
from portal.net import client_ip
from portal.throttle import bucket
from tests.awards.conftest import make_nomination, tiers  # noqa: F401 (fixtures)
from tests.factories import CAMPAIGN_CODE as CODE

GB = 1024 * 1024 * 1024
BOUNDARY = "----ranh-gioi"


class UnreadableBody:
    """A WSGI input that fails the request if anything reads it."""

    def __init__(self) -> None:
        self.reads = 0

    def read(self, *args, **kwargs) -> bytes:
        self.reads += 1
        raise AssertionError("the request body was read")

    readline = read


def _claiming(client: Client, path: str, length: int | str, **extra) -> tuple[object, object]:
    body = UnreadableBody()
    response = client.generic(
        "POST",
        path,
        **{
            "wsgi.input": body,
            "CONTENT_LENGTH": str(length),
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
            **extra,
        },
    )
    return response, body


def _pdf_form(size: int) -> bytes:
    content = b"%PDF-1.4\n" + b"0" * max(size - 9, 0)
    return (
        (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file"; filename="van-ban.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


# --- Item 9: the size of a body is judged before it is read --------------------------------------
@pytest.mark.django_db
def test_a_1_gb_upload_to_verify_is_refused_before_its_body_is_read(settings):
    response, body = _claiming(Client(), reverse("verify:verify"), GB)
    assert response.status_code == 413
    assert body.reads == 0
    page = response.content.decode()
    assert "Dữ liệu gửi lên quá lớn" in page
    assert "20 MB" in page  # the limit, in the message
    assert "Connection" not in response  # hop-by-hop: the server's to set (PEP 3333)


@pytest.mark.django_db
def test_verify_takes_a_pdf_within_its_limit_and_refuses_one_byte_more(settings):
    settings.REQUEST_BODY_LIMITS = {"/verify/": 4096}
    settings.FORM_OVERHEAD_BYTES = 512
    url = reverse("verify:verify")
    within = _pdf_form(3000)
    response = Client().generic(
        "POST", url, within, content_type=f"multipart/form-data; boundary={BOUNDARY}"
    )
    assert response.status_code == 200
    assert "Không khớp" in response.content.decode()  # read and checked: not a signed original
    over = _pdf_form(4096 + 512)
    response = Client().generic(
        "POST", url, over, content_type=f"multipart/form-data; boundary={BOUNDARY}"
    )
    assert response.status_code == 413
    assert "4 KB" in response.content.decode()


@pytest.mark.django_db
def test_anonymous_bodies_are_small_signed_in_forms_may_carry_files(settings, users):
    # Sign-in page, public comment: text only for someone who is not signed in.
    response, body = _claiming(Client(), reverse("login"), settings.ANONYMOUS_REQUEST_MAX_BYTES + 1)
    assert response.status_code == 413
    assert body.reads == 0
    assert "phiên đăng nhập đã hết hạn" in response.content.decode()
    # Signed in: a form of 20 evidence files passes the guard (the view answers as it does) ...
    officer = Client()
    officer.force_login(users["officer_a"], backend="django.contrib.auth.backends.ModelBackend")
    padding = b"x" * (settings.ANONYMOUS_REQUEST_MAX_BYTES + 1)
    response = officer.post(
        reverse("awards:nomination-create", args=[CODE]), {"achievements": padding}
    )
    assert response.status_code != 413
    # ... and anything above the global cap is refused unread.
    response, body = _claiming(officer, reverse("awards:nomination-create", args=[CODE]), GB)
    assert response.status_code == 413
    assert body.reads == 0
    assert "205 MB" in response.content.decode()


@pytest.mark.django_db
def test_a_body_without_a_length_or_with_a_bad_one_is_refused():
    response = Client().generic(
        "POST", reverse("verify:verify"), HTTP_TRANSFER_ENCODING="chunked", CONTENT_TYPE="x/y"
    )
    assert response.status_code == 411
    assert "Content-Length" in response.content.decode()
    response, body = _claiming(Client(), reverse("verify:verify"), "nhiều")
    assert response.status_code == 400
    assert body.reads == 0


# --- Item 9: verification look-ups per address ---------------------------------------------------
@pytest.mark.django_db
def test_verification_lookups_are_throttled_per_address(settings):
    settings.THROTTLE_VERIFY = "3/60"
    url = reverse("verify:verify")
    lookups = [
        Client().get(url, {"ma": f"ABCD-234{i}"}, REMOTE_ADDR="203.0.113.7").status_code
        for i in range(4)
    ]
    assert lookups == [200, 200, 200, 429]
    refused = Client().post(url, {"code": "ABCD-2345"}, REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "tra cứu văn bản quá nhiều lần" in page
    assert "Vui lòng thử lại sau" in page
    assert 1 <= int(refused["Retry-After"]) <= 60
    # The page itself (no look-up) still opens; another address looks up as usual.
    assert Client().get(url, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert Client().get(url, {"ma": "ABCD-2345"}, REMOTE_ADDR="198.51.100.9").status_code == 200


@pytest.mark.django_db
def test_with_the_counter_store_down_lookups_still_work(settings, monkeypatch):
    settings.THROTTLE_VERIFY = "1/60"

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(caches["throttle"], "add", down)
    url = reverse("verify:verify")
    assert [Client().get(url, {"ma": "ABCD-2345"}).status_code for _ in range(3)] == [200] * 3


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)")
@pytest.mark.django_db
def test_the_counters_work_in_redis_as_in_production(settings):
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex}",
        },
    }
    settings.THROTTLE_VERIFY = "2/60"
    url = reverse("verify:verify")
    statuses = [Client().get(url, {"ma": "ABCD-2345"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


# --- Item 10: public consultation comments --------------------------------------------------------
@pytest.fixture
def open_case(make_nomination, users):  # noqa: F811 (fixture imported above)
    case = make_nomination(NominationStatus.CHECKED, tier_code="bang-khen-thu-tuong")
    consultation_open(nomination=case, by=users["secretariat"])
    return case


def _comment(case, address: str, i: int = 0, **extra):
    return Client().post(
        reverse("awards_public:comment", args=[case.campaign.code, case.pk]),
        {
            "author_name": f"Người góp ý {i}",
            "contact": "Thôn Hội An, 0905 123 456",
            "content": "Tôi đồng ý.",
        },
        REMOTE_ADDR=address,
        **extra,
    )


def test_thirty_comments_in_a_burst_store_only_the_allowed_few(settings, open_case):
    settings.THROTTLE_COMMENT = "5/600"
    statuses = [_comment(open_case, "203.0.113.7", i).status_code for i in range(30)]
    assert statuses == [302] * 5 + [429] * 25
    assert ConsultationComment.objects.count() == 5
    refused = _comment(open_case, "203.0.113.7", 99)
    text = refused.content.decode()
    assert "gửi quá nhiều ý kiến" in text
    assert "chưa được ghi nhận" in text
    assert re.search(r"Vui lòng thử lại sau (10|[1-9]) phút", text)  # a window of 600 s
    assert ConsultationComment.objects.count() == 5
    # A neighbour on another address is heard.
    assert _comment(open_case, "198.51.100.9").status_code == 302
    assert ConsultationComment.objects.count() == 6


def test_secretariat_sees_the_contact_council_and_public_do_not(open_case, client_as):
    _comment(open_case, "203.0.113.7")
    url = reverse("awards:nomination-detail", args=[open_case.pk])
    secretariat_page = client_as("secretariat").get(url).content.decode()
    assert "Người góp ý 0" in secretariat_page
    assert "Liên hệ: Thôn Hội An, 0905 123 456" in secretariat_page
    council_page = client_as("council_member").get(url).content.decode()
    assert "Người góp ý 0" in council_page  # the council reads the comment ...
    assert "0905 123 456" not in council_page  # ... not the citizen's contact
    public = Client().get(reverse("awards_public:consultation", args=[open_case.campaign.code]))
    assert "0905 123 456" not in public.content.decode()
    assert "Người góp ý 0" not in public.content.decode()


# --- Item 11: the client address behind the load balancer ----------------------------------------
BALANCER = "10.0.0.5"
CLIENT_X = "203.0.113.7"
CLIENT_Y = "198.51.100.9"


def _sign_in(password: str, *, remote: str, forwarded: str | None = None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return Client().post(
        reverse("login"),
        {"username": "chairman", "password": password},
        REMOTE_ADDR=remote,
        **headers,
    )


def test_behind_the_balancer_wrong_passwords_lock_one_client_not_everyone(settings, users):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    statuses = [
        _sign_in(f"sai-{i}", remote=BALANCER, forwarded=CLIENT_X).status_code for i in range(5)
    ]
    assert statuses[:4] == [200, 200, 200, 200]  # the form again, with its error message
    locked = _sign_in("MatKhau@12345", remote=BALANCER, forwarded=CLIENT_X)
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    # The chairman at another desk, through the same balancer, signs in.
    assert _sign_in("MatKhau@12345", remote=BALANCER, forwarded=CLIENT_Y).status_code == 302
    # What X writes to the left of its own address changes nothing: the balancer appended X.
    spoofed = _sign_in("MatKhau@12345", remote=BALANCER, forwarded=f"{CLIENT_Y}, {CLIENT_X}")
    assert spoofed.status_code == 429


def test_without_trusted_proxies_the_balancer_is_the_client(settings, users):
    # The failure this setting fixes: unconfigured, every client has the balancer's address.
    settings.TRUSTED_PROXIES = []
    for i in range(5):
        _sign_in(f"sai-{i}", remote=BALANCER, forwarded=CLIENT_X)
    assert _sign_in("MatKhau@12345", remote=BALANCER, forwarded=CLIENT_Y).status_code == 429


def test_forwarded_for_from_an_untrusted_address_cannot_escape_the_lock(settings, users):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for i in range(5):  # straight at the web host, a new made-up address each time
        _sign_in(f"sai-{i}", remote=CLIENT_X, forwarded=f"192.0.2.{i}")
    assert _sign_in("MatKhau@12345", remote=CLIENT_X, forwarded="192.0.2.200").status_code == 429
    assert _sign_in("MatKhau@12345", remote=CLIENT_Y).status_code == 302


def test_throttles_count_the_client_behind_the_balancer(settings, open_case):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.THROTTLE_COMMENT = "2/600"
    via = {"HTTP_X_FORWARDED_FOR": CLIENT_X}
    assert [_comment(open_case, BALANCER, i, **via).status_code for i in range(3)] == [
        302,
        302,
        429,
    ]
    other = {"HTTP_X_FORWARDED_FOR": CLIENT_Y}
    assert _comment(open_case, BALANCER, 9, **other).status_code == 302


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("203.0.113.7", "", "203.0.113.7"),  # no proxy in front
        ("203.0.113.7", "192.0.2.1", "203.0.113.7"),  # untrusted sender: header ignored
        ("10.0.0.5", "", "10.0.0.5"),  # the proxy's own request (health check)
        ("10.0.0.5", "203.0.113.7", "203.0.113.7"),
        ("10.0.0.5", "192.0.2.1, 203.0.113.7", "203.0.113.7"),  # client-written part ignored
        ("10.0.0.5", "203.0.113.7, 10.0.0.9", "203.0.113.7"),  # two proxies in a row
        ("10.0.0.5", "10.0.0.8, 10.0.0.9", "10.0.0.8"),  # a client inside the trusted range
        ("10.0.0.5", "203.0.113.7, không-phải-IP", "10.0.0.5"),  # garbage: stop at the proxy
        ("10.0.0.5", " 2001:db8::7 ", "2001:db8::7"),
        ("::ffff:10.0.0.5", "203.0.113.7", "203.0.113.7"),  # IPv4 proxy seen over IPv6
    ],
)
def test_client_ip_takes_the_rightmost_untrusted_hop(settings, remote, forwarded, client):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == client


def test_an_ipv6_client_is_counted_by_its_64():
    assert bucket("2001:db8:1:2::7") == bucket("2001:db8:1:2:ffff::1") == "2001:db8:1:2::/64"
    assert bucket("2001:db8:1:3::7") != bucket("2001:db8:1:2::7")
    assert bucket("203.0.113.7") == "203.0.113.7"
