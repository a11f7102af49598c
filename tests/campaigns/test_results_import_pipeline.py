"""The results imports (NTM status, contributions) in the browser go through the one import
pipeline of portal/importing.py: upload checks, the file waiting in the media storage (here an
S3 bucket, moto's in-process fake), and its checksum on confirm."""

from __future__ import annotations

import re

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from moto import mock_aws

from campaigns.models import Contribution, NtmStatus
from tests.factories import CAMPAIGN_CODE as CODE

pytestmark = pytest.mark.django_db

BUCKET = "thidua-test-imports"
NTM_CSV = b"unit_code,year,criteria_met,level\nXA-A,2023,1;2,none\n"


@pytest.fixture
def bucket(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
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


def _keys(s3) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def _files_under(path) -> list:
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []


def _confirm_url(preview: str) -> str:
    return reverse("import-confirm", kwargs=resolve(preview).kwargs)


def _import_link(client, list_url: str) -> str:
    """The "Nhập từ tệp" button of a list page, as a user would click it."""
    page = client.get(list_url).content.decode()
    match = re.search(r'<a[^>]*href="([^"]+)"[^>]*>(?:(?!</a>).)*Nhập từ tệp', page, re.S)
    assert match, "the list page offers no import"
    return match.group(1)


@pytest.mark.parametrize(
    ("list_name", "kind"),
    [("campaigns:ntm-list", "ntm_status"), ("campaigns:contribution-list", "contributions")],
)
def test_the_results_lists_offer_the_one_import_pipeline(world, client_as, list_name, kind):
    link = _import_link(client_as("economic_office"), reverse(list_name, args=[CODE]))
    assert link == reverse("import-upload", args=[kind])


def test_an_ntm_import_from_the_list_waits_in_the_bucket_and_is_saved_on_confirm(
    world, client_as, bucket, settings
):
    client = client_as("economic_office")
    upload = _import_link(client, reverse("campaigns:ntm-list", args=[CODE]))
    response = client.post(upload, {"file": SimpleUploadedFile("ntm.csv", NTM_CSV)})
    assert response.status_code == 302
    preview = response["Location"]
    assert [k.split("/")[0] for k in _keys(bucket)] == ["imports"]
    assert _files_under(settings.MEDIA_ROOT) == []  # nothing written past the storage API
    assert not NtmStatus.objects.exists()  # nothing saved before confirming

    page = client.get(preview).content.decode()
    assert "1</span> dòng mới" in page
    response = client.post(_confirm_url(preview))
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:ntm-list", args=[CODE])
    assert NtmStatus.objects.get(unit=world.commune_a, year=2023).criteria_met_count == 2
    assert _keys(bucket) == []  # the pending file is deleted after use


def test_an_import_file_altered_in_storage_before_confirm_is_refused(world, client_as, bucket):
    client = client_as("economic_office")
    response = client.post(
        reverse("import-upload", args=["ntm_status"]),
        {"file": SimpleUploadedFile("ntm.csv", NTM_CSV)},
    )
    preview = response["Location"]
    [key] = _keys(bucket)
    tampered = NTM_CSV.replace(b"1;2", b"1;2;3;4;5")
    bucket.put_object(Bucket=BUCKET, Key=key, Body=tampered)

    response = client.post(_confirm_url(preview))
    assert response.status_code == 404
    assert not NtmStatus.objects.exists()


def test_a_text_file_named_xlsx_is_refused_by_the_upload_checks(world, client_as, bucket):
    client = client_as("economic_office")
    upload = _import_link(client, reverse("campaigns:contribution-list", args=[CODE]))
    disguised = SimpleUploadedFile(
        "dong-gop.xlsx",
        b"year,commune_code,contributor,contributor_kind,money_vnd,work_days,land_m2,note\n"
        b"2023,XA-A,Nguyen Van A,people,1000000,0,0,\n",
    )
    response = client.post(upload, {"file": disguised})
    assert response.status_code == 200
    assert "không phải là tệp XLSX" in response.content.decode()
    assert _keys(bucket) == []
    assert not Contribution.objects.exists()
