"""Pages travel compressed to browsers that ask for it (officers on slow office connections);
files are served as they are, with their length and as attachments."""

from __future__ import annotations

import gzip

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import Evidence
from tests.campaigns import cycle_world as cw
from tests.factories import CAMPAIGN_CODE as CODE

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_the_self_assessment_page_travels_compressed_and_reads_the_same(client_as, world):
    draft = cw.assessment(world.commune_a, world.campaign)
    client = client_as("officer_a")
    url = reverse("campaigns:assessment-detail", args=[draft.pk])
    plain = client.get(url)
    packed = client.get(url, **GZIP)
    assert (plain.status_code, packed.status_code) == (200, 200)
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    page = gzip.decompress(packed.content).decode()
    assert 'id="tieu-chi-1"' in page
    assert "Lưu nháp" in page
    assert len(page) == pytest.approx(len(plain.content.decode()), abs=200)  # masked tokens
    assert len(packed.content) * 3 < len(plain.content)
    # The headers the security crawl checks are still there.
    assert "no-store" in packed["Cache-Control"]
    assert packed["Content-Security-Policy"]
    assert packed["X-Content-Type-Options"] == "nosniff"


def test_an_evidence_file_is_served_whole_and_uncompressed(client_as, world):
    draft = cw.assessment(world.commune_a, world.campaign)
    item = cw.item_no(draft, 1)
    client_as("officer_a").post(
        reverse("campaigns:evidence-add", args=[draft.pk, item.pk]),
        {"file": SimpleUploadedFile("Biên bản họp.pdf", cw.PDF)},
    )
    evidence = Evidence.objects.get()
    response = client_as("secretariat").get(
        reverse("campaigns:evidence-download", args=[evidence.pk]), **GZIP
    )
    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == cw.PDF
    assert int(response["Content-Length"]) == len(cw.PDF)


def test_an_excel_export_is_not_compressed_again(client_as, world):
    cw.registration(world.commune_a, world.campaign, 2025)
    response = client_as("secretariat").get(
        reverse("campaigns:registration-export", args=[CODE]) + "?year=2025", **GZIP
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "Content-Encoding" not in response
    assert response.content[:2] == b"PK"
