"""Forms for units, people and clusters (shape only; rules live in services)."""

from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from portal.concurrency import GuardedFormMixin
from portal.forms import IdsChoiceField
from portal.numbers import vn_formfield
from portal.uploads import check_upload

from .models import Authority, Cluster, Person, Unit, UnitKind


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, **kwargs):
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}, **kwargs)


class UnitForm(GuardedFormMixin, forms.ModelForm):
    class Meta:
        model = Unit
        fields = [
            "code",
            "name",
            "kind",
            "parent",
            "cluster",
            "valid_from",
            "valid_to",
            "successors",
            "address",
            "note",
            "is_sample",
        ]
        widgets = {
            "valid_from": DateInput(),
            "valid_to": DateInput(),
            "successors": forms.SelectMultiple(attrs={"size": 6}),
        }
        field_classes = {"successors": IdsChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Unit.objects.filter(kind__in=[UnitKind.COMMUNE, UnitKind.WARD])
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents.order_by("name")
        others = Unit.objects.exclude(kind__in=[UnitKind.HOUSEHOLD])
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["successors"].queryset = others.order_by("name")
        self.fields["successors"].required = False
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("code", css_class="col-md-4"), Column("name", css_class="col-md-8")),
            Row(Column("kind"), Column("parent"), Column("cluster")),
            Row(Column("valid_from"), Column("valid_to")),
            "successors",
            "address",
            "note",
            "is_sample",
            Submit("save", "Lưu"),
        )

    def clean(self):
        cleaned = super().clean()
        kind, parent = cleaned.get("kind"), cleaned.get("parent")
        if kind == UnitKind.VILLAGE and parent is None:
            self.add_error("parent", "Thôn, tổ dân phố phải thuộc một xã hoặc phường.")
        if kind in (UnitKind.COMMUNE, UnitKind.WARD) and parent is not None:
            self.add_error("parent", "Xã, phường không có đơn vị cấp trên trong danh sách này.")
        vf, vt = cleaned.get("valid_from"), cleaned.get("valid_to")
        if vf and vt and vt < vf:
            self.add_error("valid_to", "Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")
        return cleaned


class PersonForm(GuardedFormMixin, forms.ModelForm):
    class Meta:
        model = Person
        formfield_callback = vn_formfield
        fields = [
            "code",
            "full_name",
            "kind",
            "gender",
            "birth_year",
            "position",
            "affiliation",
            "home_place",
            "is_sample",
        ]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["affiliation"].queryset = units.order_by("name")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("full_name", css_class="col-md-6"), Column("code")),
            Row(Column("kind"), Column("gender"), Column("birth_year")),
            Row(Column("position"), Column("affiliation")),
            "home_place",
            "is_sample",
            Submit("save", "Lưu"),
        )


class ClusterForm(GuardedFormMixin, forms.ModelForm):
    class Meta:
        model = Cluster
        fields = ["code", "name", "kind", "description", "is_sample"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Lưu"))


class AuthorityForm(GuardedFormMixin, forms.ModelForm):
    """An issuing authority over a period (the secretariat keeps these up to date)."""

    class Meta:
        model = Authority
        fields = [
            "code",
            "level",
            "unit",
            "parent_body",
            "body",
            "body_short",
            "place",
            "symbol",
            "collective_line",
            "signer_title",
            "signer_name",
            "deputy_title",
            "deputy_name",
            "deputy_signs",
            "council_name",
            "recipients",
            "valid_from",
            "valid_to",
            "successor",
            "seal_image",
            "signature_image",
            "certificate",
            "signer_certificate",
            "note",
            "is_sample",
        ]
        widgets = {
            "valid_from": DateInput(),
            "valid_to": DateInput(),
            "recipients": forms.Textarea(attrs={"rows": 5}),
            "note": forms.Textarea(attrs={"rows": 3}),
            # Certificates are never linked from a page (the key is inside, under a passphrase).
            "certificate": forms.FileInput(attrs={"accept": ".p12,.pfx"}),
            "signer_certificate": forms.FileInput(attrs={"accept": ".p12,.pfx"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("valid_from", "valid_to"):
            self.fields[name].input_formats = ["%d/%m/%Y", "%Y-%m-%d"]
        self.fields["unit"].queryset = Unit.objects.filter(
            kind__in=[UnitKind.COMMUNE, UnitKind.WARD]
        ).order_by("name")
        others = Authority.objects.all()
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["successor"].queryset = others.order_by("body")
        for name in ("certificate", "signer_certificate"):
            held = bool(getattr(self.instance, name))
            self.fields[name].help_text = (
                "Đã có chứng thư số; chọn tệp mới để thay."
                if held
                else "Chưa có: dùng chứng thư số cấu hình chung của máy chủ."
            )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("code"), Column("level"), Column("unit")),
            Row(Column("parent_body"), Column("body", css_class="col-md-5"), Column("body_short")),
            Row(Column("place"), Column("symbol"), Column("collective_line")),
            Row(Column("signer_title"), Column("signer_name")),
            Row(Column("deputy_title"), Column("deputy_name"), Column("deputy_signs")),
            "council_name",
            "recipients",
            Row(Column("valid_from"), Column("valid_to"), Column("successor")),
            Row(Column("seal_image"), Column("signature_image")),
            Row(Column("certificate"), Column("signer_certificate")),
            "note",
            "is_sample",
            Submit("save", "Lưu"),
        )

    def _image(self, name: str):
        """A seal or signature image: a real PNG (portal.uploads.check_upload), at most 2 MB."""
        upload = self.cleaned_data.get(name)
        if isinstance(upload, UploadedFile):
            check_upload(upload, allowed=("png",), max_bytes=2 * 1024 * 1024)
        return upload

    def clean_seal_image(self):
        return self._image("seal_image")

    def clean_signature_image(self):
        return self._image("signature_image")

    def _certificate(self, name: str, passphrase: str):
        """A PKCS#12 file the portal can open with the passphrase the deployment configures
        (checked here, so a wrong file is refused on this form, not when the chairman signs)."""
        upload = self.cleaned_data.get(name)
        if not isinstance(upload, UploadedFile):
            return upload
        from cryptography.hazmat.primitives.serialization import pkcs12

        try:
            key, cert, _ = pkcs12.load_key_and_certificates(upload.read(), passphrase.encode())
        except (ValueError, TypeError):
            key = cert = None
        upload.seek(0)
        if key is None or cert is None:
            raise forms.ValidationError(
                "Không đọc được chứng thư số: tệp phải là PKCS#12 (.p12, .pfx) có khóa riêng, "
                "mở được bằng mật khẩu đã cấu hình trên máy chủ."
            )
        return upload

    def clean_certificate(self):
        return self._certificate("certificate", settings.SIGNING_P12_PASSPHRASE or "")

    def clean_signer_certificate(self):
        passphrase = settings.SIGNING_PERSON_P12_PASSPHRASE or settings.SIGNING_P12_PASSPHRASE
        return self._certificate("signer_certificate", passphrase or "")

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", "Ngày hết hiệu lực phải sau ngày có hiệu lực.")
        successor = data.get("successor")
        if successor and not end:
            self.add_error(
                "valid_to", "Ghi ngày hết hiệu lực khi khai báo cơ quan tiếp nhận văn bản."
            )
        if successor and end and successor.valid_from > end + datetime.timedelta(days=1):
            self.add_error(
                "successor",
                f"{successor.body} có hiệu lực từ {successor.valid_from:%d/%m/%Y}, sau ngày "
                f"{end:%d/%m/%Y}: văn bản giữa hai ngày này không có cơ quan ban hành.",
            )
        return data
