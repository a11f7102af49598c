"""Who takes part: units (collectives), people, clusters (khối / cụm thi đua), sponsorship pairs."""

from __future__ import annotations

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
    "Mã chỉ gồm chữ cái không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới (tối đa 64 ký tự).",
)


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", "Phòng, ban, ngành"
    FATHERLAND_FRONT = "fatherland_front", "Ủy ban Mặt trận Tổ quốc"
    MASS_ORGANISATION = "mass_organisation", "Tổ chức chính trị – xã hội"
    COMMUNE = "commune", "Xã"
    WARD = "ward", "Phường"
    VILLAGE = "village", "Thôn, tổ dân phố"
    ENTERPRISE = "enterprise", "Doanh nghiệp"
    COOPERATIVE = "cooperative", "Hợp tác xã"
    HOUSEHOLD = "household", "Hộ gia đình"
    OTHER_ORGANISATION = "other_organisation", "Tổ chức khác"


#: The order units are listed in: town bodies first, then localities, then the economy.
KIND_ORDER = [
    UnitKind.DEPARTMENT,
    UnitKind.FATHERLAND_FRONT,
    UnitKind.MASS_ORGANISATION,
    UnitKind.COMMUNE,
    UnitKind.WARD,
    UnitKind.VILLAGE,
    UnitKind.ENTERPRISE,
    UnitKind.COOPERATIVE,
    UnitKind.HOUSEHOLD,
    UnitKind.OTHER_ORGANISATION,
]

#: Kinds ranked together in a khối (bloc) vs a cụm (cluster) — Law 06/2022 practice.
BLOC_KINDS = frozenset({UnitKind.DEPARTMENT, UnitKind.FATHERLAND_FRONT, UnitKind.MASS_ORGANISATION})
LOCALITY_KINDS = frozenset({UnitKind.COMMUNE, UnitKind.WARD})


class ClusterKind(models.TextChoices):
    BLOC = "bloc", "Khối thi đua"
    CLUSTER = "cluster", "Cụm thi đua"


class Cluster(models.Model):
    """Cluster: khối / cụm thi đua, a standing group of comparable units ranked together."""

    code = models.CharField("Mã", max_length=64, unique=True, validators=[code_validator])
    name = models.CharField("Tên", max_length=200, unique=True)
    kind = models.CharField("Loại", max_length=16, choices=ClusterKind.choices)
    description = models.TextField("Ghi chú", blank=True)
    is_sample = models.BooleanField("Dữ liệu mẫu", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "khối, cụm thi đua"
        verbose_name_plural = "khối, cụm thi đua"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("units:cluster-detail", args=[self.pk])


class UnitQuerySet(models.QuerySet["Unit"]):
    def active_on(self, day: datetime.date) -> UnitQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def communes(self) -> UnitQuerySet:
        return self.filter(kind=UnitKind.COMMUNE)


class Unit(models.Model):
    """A collective taking part: department, Front, mass organisation, commune, ward, village,
    enterprise, cooperative, household or other organisation.

    Units merge and split (1 July 2025: Đức Phổ's 15 communes and wards became 5); history stays
    on the old unit, which gets `valid_to` and links to its successors.
    """

    code = models.CharField("Mã", max_length=64, unique=True, validators=[code_validator])
    name = models.CharField("Tên đơn vị", max_length=255)
    kind = models.CharField("Loại", max_length=32, choices=UnitKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="Đơn vị cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    cluster = models.ForeignKey(
        Cluster,
        verbose_name="Khối, cụm thi đua",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
    )
    valid_from = models.DateField("Hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("Hiệu lực đến", null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        verbose_name="Đơn vị kế thừa",
        symmetrical=False,
        blank=True,
        related_name="predecessors",
    )
    address = models.CharField("Địa chỉ", max_length=255, blank=True)
    note = models.TextField("Ghi chú", blank=True)
    is_sample = models.BooleanField(
        "Dữ liệu mẫu", default=False, help_text="Đơn vị minh họa, không phải số liệu thật."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["kind", "name"]
        indexes = [
            models.Index(fields=["parent", "kind"]),
            models.Index(fields=["name"]),
            # The unit list: its count per kind and each kind's page (units.selectors.UnitList).
            models.Index(fields=["kind", "name"], name="unit_kind_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="unit_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("units:unit-detail", args=[self.pk])

    @property
    def access_unit_id(self) -> int:
        return self.pk

    def is_active_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )

    @property
    def is_active(self) -> bool:
        return self.is_active_on(datetime.date.today())  # noqa: DTZ011 (a calendar date)

    @property
    def is_commune(self) -> bool:
        return self.kind == UnitKind.COMMUNE


class PersonKind(models.TextChoices):
    OFFICIAL = "official", "Cán bộ, công chức, viên chức"
    WORKER = "worker", "Người lao động"
    COOPERATIVE_MEMBER = "cooperative_member", "Thành viên hợp tác xã"
    ENTREPRENEUR = "entrepreneur", "Doanh nhân"
    SCIENTIST_INTELLECTUAL = "scientist_intellectual", "Trí thức, nhà khoa học"
    OVERSEAS_VIETNAMESE = "overseas_vietnamese", "Người Việt Nam ở nước ngoài"
    OTHER = "other", "Khác"


class Gender(models.TextChoices):
    FEMALE = "female", "Nữ"
    MALE = "male", "Nam"


class Person(models.Model):
    """An individual who may be nominated (award dossiers need name, birth year, position)."""

    code = models.CharField(
        "Mã cá nhân", max_length=64, unique=True, null=True, blank=True, validators=[code_validator]
    )
    full_name = models.CharField("Họ và tên", max_length=150)
    kind = models.CharField("Đối tượng", max_length=32, choices=PersonKind.choices)
    birth_year = models.PositiveSmallIntegerField(
        "Năm sinh",
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    gender = models.CharField("Giới tính", max_length=8, choices=Gender.choices, blank=True)
    position = models.CharField("Chức vụ", max_length=200, blank=True)
    affiliation = models.ForeignKey(
        Unit,
        verbose_name="Cơ quan, đơn vị",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    home_place = models.CharField("Quê quán / nơi cư trú", max_length=255, blank=True)
    is_sample = models.BooleanField("Dữ liệu mẫu", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "cá nhân"
        verbose_name_plural = "cá nhân"
        ordering = ["full_name", "pk"]
        indexes = [models.Index(fields=["full_name"])]
        constraints = [
            models.CheckConstraint(condition=~Q(full_name=""), name="person_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("units:person-detail", args=[self.pk])

    @property
    def access_unit_id(self) -> int | None:
        return self.affiliation_id


class Sponsorship(models.Model):
    """ "Mỗi phòng, ban, ngành gắn với một địa chỉ": a department paired with a commune for a
    campaign, with its commitments."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="Phong trào",
        on_delete=models.CASCADE,
        related_name="sponsorships",
    )
    sponsor = models.ForeignKey(
        Unit,
        verbose_name="Đơn vị giúp đỡ",
        on_delete=models.PROTECT,
        related_name="sponsorships_given",
    )
    commune = models.ForeignKey(
        Unit,
        verbose_name="Xã được giúp đỡ",
        on_delete=models.PROTECT,
        related_name="sponsorships_received",
    )
    commitment = models.TextField("Nội dung cam kết", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "đăng ký giúp đỡ theo địa chỉ"
        verbose_name_plural = "đăng ký giúp đỡ theo địa chỉ"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "sponsor", "commune"], name="sponsorship_unique_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sponsor} → {self.commune}"

    @property
    def access_unit_id(self) -> int:
        return self.commune_id


class AuthorityLevel(models.TextChoices):
    """The level of government an authority belongs to (decides which awards it may confer)."""

    PROVINCE = "province", "Cấp tỉnh"
    DISTRICT = "district", "Cấp huyện (đến 30/06/2025)"
    COMMUNE = "commune", "Cấp xã"


def authority_image_upload_to(instance: Authority, filename: str) -> str:
    return f"authorities/{instance.code}/{filename}"


def authority_certificate_upload_to(instance: Authority, filename: str) -> str:
    """Certificates under an unguessable name (they are passphrase-protected, and never linked)."""
    import secrets

    return f"signing/{instance.code}/{secrets.token_hex(16)}.p12"


class Authority(models.Model):
    """An issuing authority over a period: who issues, who signs, where, which council advises
    and who receives its documents (Decree 30/2020 header, date line and signature block).

    Authorities are dated data, not fields of a campaign: every document takes the authority in
    force on its own date (`units.authorities.in_force`), and a signed document keeps a copy of
    the one it was signed under. When a body ends (thị xã Đức Phổ on 30/06/2025), `valid_to`
    is set and `successor` names the body that took its documents over; the award decisions of
    the successor communes are their own authorities. See docs/authorities.md."""

    code = models.CharField("Mã", max_length=64, unique=True, validators=[code_validator])
    unit = models.ForeignKey(
        Unit,
        verbose_name="Đơn vị hành chính",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="authorities",
        help_text="Địa bàn của cơ quan (xã, phường); để trống với cấp tỉnh.",
    )
    level = models.CharField("Cấp", max_length=16, choices=AuthorityLevel.choices)
    parent_body = models.CharField(
        "Cơ quan chủ quản (dòng trên tên cơ quan)", max_length=200, blank=True
    )
    body = models.CharField(
        "Tên cơ quan ban hành", max_length=200, help_text="Ví dụ: Ủy ban nhân dân thị xã Đức Phổ"
    )
    body_short = models.CharField(
        "Tên viết tắt (trong câu)", max_length=120, blank=True, help_text="Ví dụ: UBND thị xã"
    )
    place = models.CharField(
        "Địa danh ghi trên văn bản", max_length=100, help_text="Ví dụ: Đức Phổ"
    )
    symbol = models.CharField(
        "Chữ viết tắt tên cơ quan trong ký hiệu",
        max_length=20,
        default="UBND",
        help_text="Số văn bản in “12/BC-UBND”.",
    )
    collective_line = models.CharField(
        "Thẩm quyền ký tập thể", max_length=100, default="TM. ỦY BAN NHÂN DÂN"
    )
    signer_title = models.CharField("Chức danh người đứng đầu", max_length=100, default="CHỦ TỊCH")
    signer_name = models.CharField("Họ tên người đứng đầu", max_length=150)
    deputy_title = models.CharField(
        "Chức danh cấp phó ký thay", max_length=100, default="PHÓ CHỦ TỊCH", blank=True
    )
    deputy_name = models.CharField("Họ tên cấp phó ký thay", max_length=150, blank=True)
    deputy_signs = models.BooleanField(
        "Cấp phó ký thay (KT.)",
        default=False,
        help_text="Đánh dấu khi văn bản về thi đua, khen thưởng do cấp phó ký thay người đứng đầu.",
    )
    council_name = models.CharField("Hội đồng Thi đua – Khen thưởng", max_length=200, blank=True)
    recipients = models.TextField(
        "Nơi nhận mặc định", blank=True, help_text="Mỗi nơi nhận một dòng."
    )
    valid_from = models.DateField("Hiệu lực từ")
    valid_to = models.DateField("Hiệu lực đến", null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name="Cơ quan tiếp nhận văn bản, hồ sơ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        help_text="Cơ quan ban hành văn bản của phong trào sau ngày hết hiệu lực.",
    )
    seal_image = models.FileField(
        "Hình con dấu (PNG)", upload_to=authority_image_upload_to, blank=True, max_length=255
    )
    signature_image = models.FileField(
        "Hình chữ ký người ký (PNG)",
        upload_to=authority_image_upload_to,
        blank=True,
        max_length=255,
    )
    # The body's own certificates (PKCS#12; passphrases in settings, never in the database):
    # the organisation's, for the seal signature, and its signer's server-held one, used when
    # the signer has no token. Empty: the deployment's (SIGNING_P12_PATH, docs/signing.md).
    certificate = models.FileField(
        "Chứng thư số của cơ quan (PKCS#12)",
        upload_to=authority_certificate_upload_to,
        blank=True,
        max_length=255,
    )
    signer_certificate = models.FileField(
        "Chứng thư số của người ký lưu trên máy chủ (PKCS#12)",
        upload_to=authority_certificate_upload_to,
        blank=True,
        max_length=255,
    )
    note = models.TextField("Căn cứ, ghi chú", blank=True)
    is_sample = models.BooleanField("Dữ liệu mẫu", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "cơ quan ban hành"
        verbose_name_plural = "cơ quan ban hành"
        ordering = ["level", "body", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="authority_valid_range",
            ),
        ]

    def __str__(self) -> str:
        period = f"từ {self.valid_from:%d/%m/%Y}"
        if self.valid_to:
            period += f" đến {self.valid_to:%d/%m/%Y}"
        return f"{self.body} ({period})"

    def get_absolute_url(self) -> str:
        return reverse("units:authority-edit", args=[self.pk])

    def is_in_force_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]

    @property
    def name_in_text(self) -> str:
        return self.body_short or self.body

    @property
    def signer_line(self) -> str:
        """Who signs, as a list shows it: "Chủ tịch Lê Văn A" or "KT. Chủ tịch: Phó chủ tịch …"."""
        head = self.signer_title.lower().capitalize()
        if self.deputy_signs and self.deputy_name:
            return f"KT. {head}: {self.deputy_title.lower().capitalize()} {self.deputy_name}"
        return f"{head} {self.signer_name}"
