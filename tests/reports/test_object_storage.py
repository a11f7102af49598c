"""Media on object storage (MEDIA_BUCKET → django-storages' S3 backend): uploads, downloads,
rendered and signed reports go through the storage API only, so several web hosts and workers can
share one private bucket. The S3 API is moto's in-process fake."""

from __future__ import annotations

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto import mock_aws

from campaigns.models import FeedbackAttachment
from reports import services, signing
from reports.models import ReportStatus
from tests.campaigns.oversight_helpers import PDF_BYTES
from tests.factories import CAMPAIGN_CODE as CODE

from .test_services import _request, fast_render  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

BUCKET = "thidua-test-media"


@pytest.fixture
def bucket(settings):
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "region_name": "us-east-1",
                    "access_key": "test",
                    "secret_key": "test",
                    "default_acl": "private",
                    "file_overwrite": False,
                },
            },
        }
        yield s3


def _objects(s3) -> dict[str, bytes]:
    listing = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in listing}


def test_an_attachment_sent_by_an_officer_is_read_by_the_secretariat_from_the_bucket(
    bucket, client_as, world, settings
):
    officer = client_as("officer_a")
    response = officer.post(
        reverse("campaigns:oversight:feedback-create", args=[CODE]),
        {
            "unit": world.commune_a.pk,
            "year": 2024,
            "kind": "adjustment",
            "subject": "Đề nghị lùi hạn tiêu chí Giao thông",
            "body": "Do mưa lũ, xã đề nghị lùi hạn sang năm 2025.",
            "files": [SimpleUploadedFile("Công văn số 12.pdf", PDF_BYTES)],
        },
    )
    assert response.status_code == 302
    attachment = FeedbackAttachment.objects.get()
    assert _objects(bucket) == {attachment.file.name: PDF_BYTES}
    assert not (settings.MEDIA_ROOT).exists() or not any(settings.MEDIA_ROOT.rglob("*.*"))

    download = client_as("secretariat").get(
        reverse("campaigns:oversight:feedback-attachment", args=[attachment.pk])
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_a_report_is_rendered_signed_and_served_from_the_bucket(
    bucket,
    world,
    users,
    fast_render,  # noqa: F811
    signing_cert,
    client_as,
):
    report = _request(world, users)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    stored = _objects(bucket)
    assert set(stored) == {report.file.name}

    signoff = services.report_sign(report=report, by=users["chairman"], read_sha256=report.sha256)
    stored = _objects(bucket)
    assert set(stored) == {report.file.name, signoff.signed_file.name}
    # The signed file is the document made again with its number and date, then signed.
    assert stored[signoff.signed_file.name].startswith(b"%PDF")
    assert signing.validate_pdf(stored[signoff.signed_file.name]).ok

    download = client_as("secretariat").get(reverse("reports:report-download", args=[report.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == stored[signoff.signed_file.name]
