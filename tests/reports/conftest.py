"""Data for report tests: NTM results 2021–2025 for the world's communes and villages,
contributions, a target, and a commune merged into a new one in 2025."""

from __future__ import annotations

import datetime
import shutil
from decimal import Decimal

import pytest

from campaigns.models import (
    Contribution,
    ContributorKind,
    NtmCriterion,
    NtmLevel,
    NtmStatus,
    Target,
    TargetMetric,
)
from campaigns.results.derived import refresh_ntm_derived
from reports import signing
from tests.factories import UnitFactory, VillageFactory

#: A complete evaluation: a campaign report with it may be signed (reports.evaluation).
FULL_NARRATIVE = {
    "strengths": "Phong trào được các tầng lớp nhân dân hưởng ứng tích cực.",
    "limits": "Một số xã còn chậm hoàn thiện hồ sơ minh chứng.",
    "causes": "Nguồn lực còn hạn chế.",
    "lessons": "Phát huy vai trò chủ thể của người dân.",
    "next_steps": "Tiếp tục duy trì, nâng chất các tiêu chí đã đạt.",
    "proposals": "Đề nghị tỉnh bố trí kinh phí khen thưởng.",
}

LEVELS = {
    2021: (NtmLevel.NONE, 14),
    2022: (NtmLevel.NTM, 19),
    2023: (NtmLevel.NTM, 19),
    2024: (NtmLevel.ADVANCED, 19),
    2025: (NtmLevel.ADVANCED, 19),
}


def set_status(unit, year, level, count, *, criteria_set, is_sample=False):
    status, _ = NtmStatus.objects.update_or_create(
        unit=unit,
        year=year,
        defaults={"level": level, "criteria_met_count": count, "is_sample": is_sample},
    )
    status.criteria_met.set(
        NtmCriterion.objects.filter(criterion_set=criteria_set, number__lte=count)
    )
    refresh_ntm_derived([unit.pk])  # as the save service does
    return status


@pytest.fixture
def report_data(world):
    campaign = world.campaign
    criteria_set = campaign.ntm_criterion_set
    campaign.authority.recipients = (
        "UBND tỉnh\nSở Nội vụ\nBan Thi đua-Khen thưởng tỉnh\nLưu: VT, TCNV"
    )
    campaign.authority.save()
    merged = UnitFactory(
        code="XA-C",
        name="Xã Phổ Cường Thử",
        cluster=world.commune_a.cluster,
        valid_to=datetime.date(2025, 6, 30),
    )
    successor = UnitFactory(
        code="XA-MOI",
        name="Xã Phổ Mới Hợp Nhất",
        cluster=world.commune_a.cluster,
        valid_from=datetime.date(2025, 7, 1),
    )
    merged.successors.add(successor)
    VillageFactory(code="XA-A-T2", name="Thôn Vĩnh An Thử", parent=world.commune_a)
    for year, (level, count) in LEVELS.items():
        set_status(world.commune_a, year, level, count, criteria_set=criteria_set)
        set_status(
            world.commune_b,
            year,
            NtmLevel.NTM if year >= 2023 else NtmLevel.NONE,
            min(19, 12 + year - 2021),
            criteria_set=criteria_set,
        )
        set_status(
            world.village_a,
            year,
            NtmLevel.NTM if year >= 2022 else NtmLevel.NONE,
            0,
            criteria_set=criteria_set,
        )
        if year < 2025:
            set_status(merged, year, NtmLevel.NONE, 10 + year - 2021, criteria_set=criteria_set)
        Contribution.objects.create(
            campaign=campaign,
            year=year,
            commune=world.commune_a,
            contributor="Nhân dân thôn Hội An",
            contributor_kind=ContributorKind.PEOPLE,
            money_vnd=Decimal(1_234_567),
            work_days=Decimal("120.5"),
            land_m2=Decimal(300),
        )
    set_status(successor, 2025, NtmLevel.NTM, 19, criteria_set=criteria_set)
    Contribution.objects.create(
        campaign=campaign,
        year=2025,
        commune=world.commune_b,
        contributor="Công ty TNHH Đức Thành",
        contributor_kind=ContributorKind.ENTERPRISE,
        money_vnd=Decimal(50_000_000),
    )
    Target.objects.create(
        campaign=campaign,
        title="Có từ 01 - 02 xã đạt chuẩn nông thôn mới nâng cao",
        metric=TargetMetric.COMMUNES_ADVANCED_OR_BETTER,
        min_value=1,
        max_value=2,
        by_year=2025,
    )
    return {"merged": merged, "successor": successor}


@pytest.fixture
def signing_cert(settings, tmp_path_factory):
    """Self-signed certificates (the agency's, the signer's server-held one) and sample seal and
    signature images, made once per session and copied per test."""
    cache = tmp_path_factory.getbasetemp() / "signing-cache"
    settings.SIGNING_P12_PASSPHRASE = "test-pass"
    settings.SIGNING_PERSON_P12_PATH = ""
    settings.SIGNING_PERSON_P12_PASSPHRASE = ""
    settings.SIGNING_PKCS11_MODULE = ""
    settings.SIGNING_PKCS11_TOKENS = {}
    settings.SIGNING_PERSON_FALLBACK = "server"
    settings.SIGNING_TRUSTED_CERTS = []
    names = ("test.p12", "test-person.p12", "signature.png", "seal.png")
    if not (cache / "seal.png").exists():
        settings.SIGNING_P12_PATH = str(cache / "test.p12")
        settings.SIGNING_SIGNATURE_IMAGE = str(cache / "signature.png")
        settings.SIGNING_SEAL_IMAGE = str(cache / "seal.png")
        signing.ensure_demo_certificate(person_name="Nguyễn Văn Thử")
        signing.ensure_demo_images("Ủy ban nhân dân thị xã Thử Nghiệm", "Nguyễn Văn Thử")
    target = tmp_path_factory.mktemp("sign")
    for name in names:
        shutil.copy(cache / name, target / name)
    settings.SIGNING_P12_PATH = str(target / "test.p12")
    settings.SIGNING_SIGNATURE_IMAGE = str(target / "signature.png")
    settings.SIGNING_SEAL_IMAGE = str(target / "seal.png")
    return target / "test.p12"


def pdf_text(data: bytes, tmp_path, name="doc.pdf") -> str:
    import subprocess

    path = tmp_path / name
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
