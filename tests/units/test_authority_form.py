"""The issuing authority's files are checked on its form: a seal or signature that is not a PNG,
or a certificate the server cannot open, is refused there with a Vietnamese message (not when
the chairman signs)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports import signing
from tests.pageforms import form_data

pytestmark = pytest.mark.django_db


def _post(client, authority, files):
    url = reverse("units:authority-edit", args=[authority.pk])
    data = form_data(client.get(url))
    return client.post(url, {**data, **files})


def test_a_seal_that_is_not_a_png_and_an_unreadable_certificate_are_refused(world, client_as):
    authority = world.campaign.authority
    client = client_as("secretariat")
    response = _post(
        client,
        authority,
        {
            "seal_image": SimpleUploadedFile("con-dau.png", b"<html>not an image</html>"),
            "certificate": SimpleUploadedFile("co-quan.p12", b"not a certificate"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tệp “con-dau.png” có chứa mã HTML" in page
    assert "Không đọc được chứng thư số" in page
    authority.refresh_from_db()
    assert not authority.seal_image
    assert not authority.certificate


def test_a_png_seal_and_a_readable_certificate_are_kept(world, client_as, settings):
    authority = world.campaign.authority
    response = _post(
        client_as("secretariat"),
        authority,
        {
            "seal_image": SimpleUploadedFile("con-dau.png", signing.demo_seal_png("UBND Thử")),
            "certificate": SimpleUploadedFile(
                "co-quan.p12", signing.demo_authority_p12("UBND Thử")
            ),
        },
    )
    assert response.status_code == 302
    authority.refresh_from_db()
    assert authority.seal_image
    assert authority.certificate


def test_the_certificate_is_never_linked_from_the_page(world, client_as):
    authority = world.campaign.authority
    from django.core.files.base import ContentFile

    authority.certificate.save("co-quan.p12", ContentFile(signing.demo_authority_p12("UBND Thử")))
    page = client_as("secretariat").get(reverse("units:authority-edit", args=[authority.pk]))
    html = page.content.decode()
    assert authority.certificate.name not in html
    assert ".p12" not in html.replace('accept=".p12,.pfx"', "")
    assert "Đã có chứng thư số; chọn tệp mới để thay." in html
