"""Report requests, rendering, sign-off and archive.

A `Report` row is one version of one document (kind × campaign × year [× object]); the row is
the source of truth for the rendering job (status, lease, error). Regenerating makes a new
version; a signed version never changes. `SignOff` records the chairman's signature.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ tạo"
    RENDERING = "rendering", "Đang tạo tệp"
    READY = "ready", "Chờ ký duyệt"
    SIGNING = "signing", "Đang ký số"
    SIGNED = "signed", "Đã ký"
    RETURNED = "returned", "Trả lại để chỉnh sửa"
    FAILED = "failed", "Lỗi khi tạo"
    SUPERSEDED = "superseded", "Đã thay bằng phiên bản mới"


#: A request for the same document while one of these exists is the same request.
OPEN_STATUSES = (ReportStatus.QUEUED, ReportStatus.RENDERING)

NARRATIVE_FIELDS = ("strengths", "limits", "causes", "lessons", "next_steps", "proposals")


def new_verification_code() -> str:
    """Short code printed on the document (and its QR): 8 characters without look-alikes."""
    import secrets

    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    code = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


class KeyStore(models.TextChoices):
    """Where the person's signing key was (reports.signing.KEY_STORE_*)."""

    TOKEN = "pkcs11", "Thiết bị ký số (token) của người ký"
    SERVER = "server", "Chứng thư số lưu trên máy chủ"


def normalize_code(value: str) -> str:
    """A verification code as typed ("abcd2345", " abcd-2345 ") → "ABCD-2345"."""
    compact = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    if len(compact) == 8:
        return f"{compact[:4]}-{compact[4:]}"
    return (value or "").strip().upper()


def report_upload_to(instance: Report, filename: str) -> str:
    # Name derived from id and version: a retried job overwrites its own attempt.
    return f"reports/{instance.campaign_id}/{instance.pk}-v{instance.version}.pdf"


def annex_upload_to(instance: Report, filename: str) -> str:
    return f"reports/{instance.campaign_id}/{instance.pk}-v{instance.version}.xlsx"


def signed_upload_to(instance: SignOff, filename: str) -> str:
    return f"reports/signed/{instance.report_id}-{instance.report.verification_code}.pdf"


class Report(models.Model):
    """One version of one document the portal prints."""

    kind = models.CharField("Loại văn bản", max_length=32, db_index=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="reports"
    )
    year = models.PositiveSmallIntegerField("Năm")
    object_id = models.PositiveIntegerField(
        "Đối tượng (quyết định, phiên họp)", default=0, help_text="0 for campaign reports."
    )
    version = models.PositiveSmallIntegerField("Phiên bản", default=1)
    status = models.CharField(
        "Trạng thái",
        max_length=16,
        choices=ReportStatus.choices,
        default=ReportStatus.QUEUED,
        db_index=True,
    )
    # Given when the chairman signs: the register's number and the signing date (blank in a
    # draft, which prints "DỰ THẢO" and no date), and a copy of the authority signed under.
    number = models.CharField("Số, ký hiệu", max_length=60, blank=True)
    issue_date = models.DateField("Ngày văn bản", null=True, blank=True)
    issuer = models.JSONField(
        "Cơ quan ban hành khi ký", default=dict, blank=True, help_text="units.authorities.issuer()"
    )
    # The secretariat's narrative, typed before rendering.
    strengths = models.TextField("Ưu điểm", blank=True)
    limits = models.TextField("Hạn chế", blank=True)
    causes = models.TextField("Nguyên nhân", blank=True)
    lessons = models.TextField("Bài học kinh nghiệm", blank=True)
    next_steps = models.TextField("Phương hướng, nhiệm vụ thời gian tới", blank=True)
    proposals = models.TextField("Đề xuất, kiến nghị", blank=True)
    # Rendering job state.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField("Yêu cầu lúc", auto_now_add=True)
    started_at = models.DateTimeField("Bắt đầu tạo", null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("Số lần chạy", default=0)
    finished_at = models.DateTimeField("Xong lúc", null=True, blank=True)
    error = models.TextField("Lỗi", blank=True)
    file = models.FileField("Tệp PDF", upload_to=report_upload_to, max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField("Dung lượng (byte)", default=0)
    page_count = models.PositiveSmallIntegerField("Số trang", default=0)
    context_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the gathered data the file was made from."
    )
    tables = models.JSONField("Bảng số liệu", default=list, blank=True)
    # A large review's Excel annex (every commune's row; reports/annex.py): stored with the PDF,
    # which prints its SHA-256, so signing the PDF binds it.
    annex = models.FileField("Phụ lục Excel", upload_to=annex_upload_to, max_length=255, blank=True)
    annex_sha256 = models.CharField("SHA-256 của phụ lục Excel", max_length=64, blank=True)
    has_sample_data = models.BooleanField("Có dữ liệu mẫu", default=False)
    verification_code = models.CharField(
        "Mã tra cứu", max_length=16, unique=True, default=new_verification_code
    )
    signature_box = models.JSONField(
        null=True, blank=True, help_text="Page and box (PDF points) of the signature space."
    )
    return_comment = models.TextField("Ý kiến khi trả lại", blank=True)
    # Signing runs as a background job (services.report_sign_request): the chairman's request,
    # the hash of the file he read, the request's number (the job's token: a job of an earlier
    # request does nothing), and why the last request failed (the report is ready again then).
    sign_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="Người yêu cầu ký số",
    )
    sign_requested_at = models.DateTimeField("Yêu cầu ký số lúc", null=True, blank=True)
    sign_read_sha256 = models.CharField("SHA-256 của tệp trình ký", max_length=64, blank=True)
    sign_attempts = models.PositiveSmallIntegerField("Số lần yêu cầu ký số", default=0)
    sign_error = models.TextField("Lý do ký số không thành công", blank=True)
    history = HistoricalRecords(excluded_fields=["lease_until", "tables"])

    class Meta:
        verbose_name = "báo cáo"
        verbose_name_plural = "báo cáo"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind", "year", "object_id", "version"],
                name="report_unique_version",
            ),
            # Two identical requests at once make one report, never two.
            models.UniqueConstraint(
                fields=["campaign", "kind", "year", "object_id"],
                condition=Q(status__in=["queued", "rendering"]),
                name="report_one_open_request",
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.title} (phiên bản {self.version})"

    def get_absolute_url(self) -> str:
        return reverse("reports:report-detail", args=[self.pk])

    @property
    def definition(self):
        from .registry import get_kind

        return get_kind(self.kind)

    @property
    def title(self) -> str:
        definition = self.definition
        return definition.describe(self) if definition else self.kind

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_queued(self) -> bool:
        return self.status == ReportStatus.QUEUED

    @property
    def is_rendering(self) -> bool:
        return self.status == ReportStatus.RENDERING

    @property
    def is_ready(self) -> bool:
        """Rendered and waiting for the chairman's signature."""
        return self.status == ReportStatus.READY

    @property
    def is_signing(self) -> bool:
        """The chairman asked to sign it; the signing job has not finished."""
        return self.status == ReportStatus.SIGNING

    @property
    def is_signed(self) -> bool:
        return self.status == ReportStatus.SIGNED

    @property
    def is_failed(self) -> bool:
        return self.status == ReportStatus.FAILED

    @property
    def is_returned(self) -> bool:
        """Sent back by the chairman with a comment, to be corrected and made again."""
        return self.status == ReportStatus.RETURNED

    @property
    def is_council_minutes(self) -> bool:
        """Minutes of a council session (an awards document, reached from the session page)."""
        return self.kind == "council_minutes"

    def narrative(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in NARRATIVE_FIELDS}


class SignOff(models.Model):
    """The sign-off: who, when, the hash of the file read, the signed file, and the two
    certificates that signed it (the person's, the agency's)."""

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="signoff")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField("Ký lúc")
    read_sha256 = models.CharField("SHA-256 của tệp đã đọc", max_length=64)
    signed_file = models.FileField("Tệp đã ký", upload_to=signed_upload_to, max_length=255)
    signed_sha256 = models.CharField("SHA-256 của tệp đã ký", max_length=64, db_index=True)
    # Decree 30/2020: the competent person's signature, then the agency's (its seal).
    certificate_subject = models.CharField("Chứng thư số của người ký", max_length=300, blank=True)
    person_key_store = models.CharField(
        "Khóa ký của người ký",
        max_length=16,
        choices=KeyStore.choices,
        blank=True,
        help_text="Empty for sign-offs made before the two-signature form.",
    )
    seal_certificate_subject = models.CharField(
        "Chứng thư số của cơ quan", max_length=300, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ký duyệt báo cáo"
        verbose_name_plural = "ký duyệt báo cáo"
        ordering = ["-signed_at"]

    def __str__(self) -> str:
        return f"{self.report} – {self.report.verification_code}"


class OutgoingNumber(models.Model):
    """The register of outgoing documents (sổ đăng ký văn bản đi) of one authority: numbers run
    from 01 on the first day of each year, in order, each given once (Decree 30/2020, Art. 15
    and Appendix I; docs/authorities.md). The portal gives a number when the chairman signs; a
    number the office gave outside the portal is recorded here too, so none is given twice."""

    authority = models.ForeignKey(
        "units.Authority",
        on_delete=models.PROTECT,
        related_name="outgoing_numbers",
        verbose_name="Cơ quan ban hành",
    )
    year = models.PositiveSmallIntegerField("Năm")
    #: "" for the authority's own documents; a council issuing under the authority's seal keeps
    #: its own sequence ("HĐTĐKT"; docs/authorities.md, V6).
    series = models.CharField("Dãy số", max_length=20, blank=True, default="")
    seq = models.PositiveIntegerField("Số thứ tự")
    symbol = models.CharField("Ký hiệu", max_length=40)
    issued_on = models.DateField("Ngày văn bản")
    summary = models.CharField("Trích yếu", max_length=300)
    report = models.OneToOneField(
        Report,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="register_entry",
        verbose_name="Văn bản trên hệ thống",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("Vào sổ lúc", auto_now_add=True)

    class Meta:
        verbose_name = "số văn bản đi"
        verbose_name_plural = "sổ đăng ký văn bản đi"
        ordering = ["authority", "-year", "-seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "year", "series", "seq"], name="outgoing_number_once"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """ "05/BC-UBND": Arabic numerals, a leading zero below 10 (Decree 30/2020, Appendix I)."""
        return f"{self.seq:02d}/{self.symbol}"
