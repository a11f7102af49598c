"""Forms: request a report, the narrative, sign-off, send back, verify."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings

from campaigns.models import Campaign
from portal import buttons
from portal.body_limit import megabytes
from portal.concurrency import GuardedFormMixin
from portal.numbers import VnIntegerField, VnYearField
from units.forms import DateInput
from units.models import Authority

from . import registry
from .models import NARRATIVE_FIELDS, normalize_code

NARRATIVE_HELP = "Mỗi đoạn một dòng; để trống thì mục này không in."


def _narrative_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=20000,
        help_text=NARRATIVE_HELP,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class NarrativeForm(GuardedFormMixin, forms.Form):
    """The secretariat's own text: printed in the "Đánh giá chung", "Phương hướng" and
    "Đề xuất, kiến nghị" parts of the report. Each save makes a new version, so
    `report_regenerate` checks the token against the latest version (not in the form)."""

    guard_in_form = False

    strengths = _narrative_field("Ưu điểm")
    limits = _narrative_field("Hạn chế")
    causes = _narrative_field("Nguyên nhân")
    lessons = _narrative_field("Bài học kinh nghiệm")
    next_steps = _narrative_field("Phương hướng, nhiệm vụ thời gian tới")
    proposals = _narrative_field("Đề xuất, kiến nghị")

    def __init__(self, *args, prompts: dict[str, list[str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.prompts = prompts or {}
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(
            Submit(
                "submit",
                "Lưu và tạo lại báo cáo",
                data_busy="Đang lưu và tạo lại văn bản; có thể mất một đến hai phút.",
            )
        )

    def rows(self) -> list[tuple[forms.BoundField, list[str]]]:
        """Each narrative field with the facts from the data shown beside it (not filled in)."""
        return [(self[name], self.prompts.get(name, [])) for name in NARRATIVE_FIELDS]


class ReportRequestForm(forms.Form):
    """A report of the campaign whose page it is opened on (campaigns.context)."""

    edit_guard_exempt = "creates a new row (a report request)"

    campaign = forms.ModelChoiceField(
        label="Phong trào",
        queryset=Campaign.objects.order_by("-start_year", "code"),
        empty_label=None,
    )
    kind = forms.ChoiceField(label="Loại báo cáo", choices=())
    year = VnYearField(
        label="Năm",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="Báo cáo năm: năm báo cáo. Sơ kết, tổng kết: để trống sẽ lấy năm "
        "sơ kết / tổng kết.",
    )
    strengths = forms.CharField(
        label="Ưu điểm", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    limits = forms.CharField(
        label="Hạn chế", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    causes = forms.CharField(
        label="Nguyên nhân", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lessons = forms.CharField(
        label="Bài học kinh nghiệm", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_steps = forms.CharField(
        label="Phương hướng, nhiệm vụ", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    proposals = forms.CharField(
        label="Đề xuất, kiến nghị", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign is not None:  # opened on a campaign's page: that campaign only
            self.fields["campaign"].queryset = Campaign.objects.filter(pk=campaign.pk)
            self.fields["campaign"].initial = campaign.pk
        self.fields["kind"].choices = registry.choices()
        self.helper = FormHelper()
        self.helper.add_input(
            Submit(
                "submit",
                "Gửi yêu cầu tạo báo cáo",
                data_busy="Đang gửi yêu cầu và tạo văn bản; văn bản lớn có thể mất một đến hai "
                "phút. Xin đừng đóng trang.",
            )
        )

    def narrative(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in NARRATIVE_FIELDS}


class SignForm(forms.Form):
    edit_guard_exempt = (
        "carries its own revision: the sha256 of the PDF the signer read; report_sign refuses "
        "any other file"
    )

    sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)


class ReturnForm(forms.Form):
    edit_guard_exempt = (
        "a state transition of one rendered version (its file does not change); report_return "
        "refuses it unless the version is still awaiting sign-off"
    )

    comment = forms.CharField(
        label="Ý kiến chỉ đạo khi trả lại",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(buttons.Submit("submit", "Trả lại báo cáo", variant="outline-danger"))


class VerifyForm(forms.Form):
    edit_guard_exempt = "looks up a document; writes nothing"

    code = forms.CharField(
        label="Mã tra cứu in trên văn bản",
        required=False,
        max_length=20,
        help_text="Ví dụ: ABCD-2345 (không phân biệt chữ hoa, chữ thường; có thể bỏ dấu gạch).",
    )
    file = forms.FileField(label="Hoặc tải lên tệp PDF cần kiểm tra", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = f"Tệp PDF không quá {megabytes(settings.PUBLIC_UPLOAD_MAX_BYTES)}."
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", "Kiểm tra"))

    def clean_code(self):
        """Typed in lower case, without its dash or with spaces: "abcd2345" → "ABCD-2345"."""
        return normalize_code(self.cleaned_data.get("code", ""))

    def clean(self):
        data = super().clean()
        if not data.get("code") and not data.get("file"):
            raise forms.ValidationError("Vui lòng nhập mã tra cứu hoặc chọn tệp PDF.")
        return data


class OutsideNumberForm(forms.Form):
    """A number the office gave outside the portal, recorded so the portal never repeats it."""

    edit_guard_exempt = "adds a new register row; the register's unique constraint refuses a repeat"

    authority = forms.ModelChoiceField(Authority.objects.all(), label="Cơ quan ban hành")
    seq = VnIntegerField(label="Số", min_value=1, max_value=999999)
    symbol = forms.CharField(label="Ký hiệu", max_length=40, help_text="Ví dụ: QĐ-UBND")
    day = forms.DateField(
        label="Ngày văn bản", widget=DateInput(), input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    summary = forms.CharField(label="Trích yếu", max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = Authority.objects.order_by("-valid_from", "body")
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Ghi vào sổ"))
