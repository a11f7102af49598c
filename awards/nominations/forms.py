"""Forms of nominations, their actions, exemplars and public comments: shape only; rules live in
services."""

from __future__ import annotations

from typing import cast

from django import forms

from campaigns.models import Campaign
from portal.concurrency import GuardedFormMixin
from portal.forms import IdsChoiceField
from portal.numbers import VnIntegerField, VnYearField, vn_formfield
from units.models import Person, Unit

from ..forms import of_campaign, submit_helper
from ..models import (
    AwardTier,
    DocumentKind,
    Exemplar,
    PeriodKind,
)
from ..selectors import tiers_active
from . import selectors as sel


def _pk(raw) -> int:
    """A submitted id as a key; 0 (no row) for anything else."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        return 0


class NominationForm(forms.Form):
    edit_guard_exempt = "creates a new row (a draft nomination; there is no edit page)"

    campaign = forms.ModelChoiceField(Campaign.objects.order_by("-start_year"), label="Phong trào")
    tier = forms.ModelChoiceField(AwardTier.objects.none(), label="Hình thức, danh hiệu đề nghị")
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        None,
        label="Tập thể, hộ gia đình được đề nghị",
        required=False,
        help_text="Chọn tập thể (hoặc hộ) — hoặc chọn một cá nhân ở ô dưới.",
    )
    person: forms.ModelChoiceField[Person] = forms.ModelChoiceField(
        None, label="Cá nhân được đề nghị", required=False
    )
    proposer_unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        None, label="Đơn vị đề nghị"
    )
    period_kind = forms.ChoiceField(choices=PeriodKind.choices, label="Đợt xét")
    period_year = VnYearField(label="Năm", min_value=2000, max_value=2100)
    achievements = forms.CharField(
        label="Tóm tắt thành tích", widget=forms.Textarea(attrs={"rows": 6})
    )
    exemplars = IdsChoiceField(
        Exemplar.objects.none(), label="Điển hình, sáng kiến làm căn cứ", required=False
    )
    # Figures a collective's dossier declares (Law 06/2022 Art. 27, 28): read by the rules of
    # "Tập thể lao động tiên tiến / xuất sắc". Left empty, the check says what is missing.
    members = VnIntegerField(
        label="Tổng số thành viên của tập thể",
        min_value=0,
        required=False,
        help_text="Năm ô số liệu này chỉ kê khai khi đề nghị danh hiệu tập thể (Tập thể lao "
        "động tiên tiến, Tập thể lao động xuất sắc): dùng để kiểm tra điều kiện.",
    )
    members_done = VnIntegerField(
        label="Số thành viên hoàn thành nhiệm vụ", min_value=0, required=False
    )
    members_advanced = VnIntegerField(
        label="Số thành viên đạt danh hiệu “Lao động tiên tiến”", min_value=0, required=False
    )
    members_fighters = VnIntegerField(
        label="Số thành viên đạt danh hiệu “Chiến sĩ thi đua cơ sở”", min_value=0, required=False
    )
    members_disciplined = VnIntegerField(
        label="Số thành viên bị kỷ luật từ hình thức cảnh cáo trở lên",
        min_value=0,
        required=False,
    )

    FACT_FIELDS = (
        "members",
        "members_done",
        "members_advanced",
        "members_fighters",
        "members_disciplined",
    )

    def names_rows_outside_scope(self) -> bool:
        """A nominee or proposing unit the user may not see, sent by a crafted form: a 404 for
        the view, not a form error (a village chosen to propose is a form error)."""
        units = cast("forms.ModelChoiceField[Unit]", self.fields["unit"]).queryset
        people = cast("forms.ModelChoiceField[Person]", self.fields["person"]).queryset
        for name, rows in (("unit", units), ("person", people), ("proposer_unit", units)):
            raw = self.data.get(name)
            if raw and rows is not None and not rows.filter(pk=_pk(raw)).exists():
                return True
        return False

    def __init__(self, *args, user, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        of_campaign(self.fields["campaign"], campaign)
        self.fields["tier"].queryset = tiers_active()
        self.fields["unit"].queryset = sel.nominee_units_for(user)
        self.fields["person"].queryset = sel.nominee_people_for(user).select_related("affiliation")
        self.fields["proposer_unit"].queryset = sel.nominee_units_for(user).exclude(kind="village")
        self.fields["exemplars"].queryset = sel.exemplars_visible_to(user).order_by("title")
        self.helper = submit_helper("Lưu dự thảo đề nghị")

    def clean(self):
        data = super().clean()
        if bool(data.get("unit")) == bool(data.get("person")):
            raise forms.ValidationError(
                "Chọn một tập thể (hoặc hộ gia đình) hoặc một cá nhân, không chọn cả hai."
            )
        total = data.get("members")
        for name in self.FACT_FIELDS[1:]:
            value = data.get(name)
            if value is not None and total is not None and value > total:
                self.add_error(name, "Không được lớn hơn tổng số thành viên của tập thể.")
        return data

    def facts(self) -> dict:
        return {
            k: self.cleaned_data[k]
            for k in self.FACT_FIELDS
            if self.cleaned_data.get(k) is not None
        }


class DocumentForm(forms.Form):
    edit_guard_exempt = "creates a new row (adds a document to a nomination's file)"

    kind = forms.ChoiceField(choices=DocumentKind.choices, label="Loại tài liệu")
    file = forms.FileField(label="Tệp (PDF, DOCX, DOC, ODT, JPG, PNG)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper("Tải lên")


class CheckForm(GuardedFormMixin, forms.Form):
    """The secretariat's check endorses the nomination as the page showed it."""

    guard_merge = False
    guard_fields: dict[str, str] = {}

    override_reason = forms.CharField(
        label="Lý do trình Hội đồng dù chưa đủ điều kiện (nếu có)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def reason(self) -> str:
        """The reason typed for sending an ineligible nomination on ("" when none, or when the
        form does not validate)."""
        return self.cleaned_data["override_reason"].strip() if self.is_valid() else ""


class NoteForm(GuardedFormMixin, forms.Form):
    """Send back or decline a nomination as the page showed it, with the reason."""

    guard_merge = False
    guard_fields: dict[str, str] = {}

    note = forms.CharField(label="Lý do", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, label: str = "Lý do", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = label


class ExemplarForm(GuardedFormMixin, forms.ModelForm):
    class Meta:
        model = Exemplar
        formfield_callback = vn_formfield
        fields = [
            "campaign",
            "kind",
            "title",
            "year",
            "unit",
            "person",
            "summary",
            "recognised_by",
            "is_published",
            "is_sample",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = self.fields["unit"].queryset.order_by("name")
        self.fields["person"].queryset = self.fields["person"].queryset.order_by("full_name")
        self.helper = submit_helper("Lưu")


class CommentForm(forms.Form):
    edit_guard_exempt = "creates a new row (a citizen's comment on the public list)"

    author_name = forms.CharField(label="Họ và tên", max_length=150)
    contact = forms.CharField(
        label="Địa chỉ hoặc số điện thoại liên hệ", max_length=200, required=False
    )
    content = forms.CharField(
        label="Nội dung góp ý", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # honeypot for bots

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper("Gửi góp ý")
