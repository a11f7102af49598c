"""factory_boy factories for the portal's models."""

from __future__ import annotations

import datetime

import factory

from campaigns.models import Campaign, NtmCriterionSet
from campaigns.reference import QD318_CODE, ensure_ntm_criteria
from portal.models import RoleGrant, User
from units.models import (
    Authority,
    AuthorityLevel,
    Cluster,
    ClusterKind,
    Person,
    PersonKind,
    Unit,
    UnitKind,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    password = factory.django.Password("MatKhau@12345")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            RoleGrant.objects.get_or_create(user=self, role=role)
        self.__dict__.pop("roles", None)

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        if extracted:
            self.units.set(extracted)


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    code = factory.Sequence(lambda n: f"CUM-{n}")
    name = factory.Sequence(lambda n: f"Cụm thi đua số {n}")
    kind = ClusterKind.CLUSTER


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    kind = UnitKind.COMMUNE


class VillageFactory(UnitFactory):
    name = factory.Sequence(lambda n: f"Thôn Đồng Tâm {n}")
    kind = UnitKind.VILLAGE


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Nguyễn Thị Hải Yến {n}")
    kind = PersonKind.OFFICIAL


class NtmCriterionSetFactory(factory.django.DjangoModelFactory):
    """The national criteria set `migrate` installs (campaigns/reference.py), never a second
    copy: a test that flushed the database (transactional tests) gets it back the same way."""

    class Meta:
        model = NtmCriterionSet

    code = QD318_CODE

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return ensure_ntm_criteria()[kwargs["code"]]


class AuthorityFactory(factory.django.DjangoModelFactory):
    """The test town's People's Committee, in force from 2020 with no end (tests that cross
    the reform of 01/07/2025 set `valid_to` and a successor)."""

    class Meta:
        model = Authority
        django_get_or_create = ("code",)

    code = "UBND-TX-THU-NGHIEM"
    level = AuthorityLevel.DISTRICT
    body = "Ủy ban nhân dân thị xã Thử Nghiệm"
    body_short = "UBND thị xã"
    place = "Thử Nghiệm"
    signer_name = "Lê Văn Chủ Tịch"
    council_name = "Hội đồng Thi đua – Khen thưởng thị xã Thử Nghiệm"
    recipients = "UBND tỉnh\nSở Nội vụ\nLưu: VT"
    valid_from = datetime.date(2020, 1, 1)


def town_ended_on_reform(authority: Authority, **successor) -> Authority:
    """The test town ends on 30/06/2025 (Law 72/2025) and a commune takes its documents over
    from 01/07/2025; returns the commune's authority."""
    fields = {
        "code": "UBND-XA-THU-NGHIEM",
        "level": AuthorityLevel.COMMUNE,
        "body": "Ủy ban nhân dân xã Thử Nghiệm",
        "body_short": "UBND xã",
        "signer_name": "Phan Văn Xã",
        "valid_from": datetime.date(2025, 7, 1),
        **successor,
    }
    authority.valid_to = datetime.date(2025, 6, 30)
    authority.successor = AuthorityFactory(**fields)
    authority.save()
    return authority.successor


#: The test world's campaign: its pages live at /phong-trao/test-ntm-2021-2025/….
CAMPAIGN_CODE = "test-ntm-2021-2025"


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = CAMPAIGN_CODE
    title = "Phong trào thi đua “Thử nghiệm chung sức xây dựng nông thôn mới” 2021-2025"
    issuing_body = "Ủy ban nhân dân thị xã Thử Nghiệm"
    authority = factory.SubFactory(AuthorityFactory)
    start_year = 2021
    end_year = 2025
    preliminary_review_year = 2023
    final_review_year = 2025
    ntm_criterion_set = factory.SubFactory(NtmCriterionSetFactory)
