"""Forms of oversight pages (shape only; rules live in services)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms

from portal.access import users_holding
from portal.concurrency import GuardedFormMixin
from portal.forms import IdsChoiceField
from portal.models import User
from portal.numbers import VnMoneyField, VnYearField
from units.forms import DateInput
from units.models import Unit

from .models import (
    BudgetKind,
    FeedbackKind,
    InspectionKind,
    RecommendationStatus,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


def _helper(submit: str, *layout) -> FormHelper:
    helper = FormHelper()
    if layout:
        helper.layout = Layout(*layout)
    helper.add_input(Submit("submit", submit))
    return helper


def _vnd_field(label: str, required: bool = True) -> VnMoneyField:
    # Negative amounts are refused by the services, with the amount's own name in the message.
    return VnMoneyField(label=label, required=required, max_digits=20, min_value=None)


def _secretariat_users():
    """Who may be assigned a difficulty: those who answer them (the secretariat)."""
    return users_holding("feedback.answer").order_by("full_name")


class InspectionForm(GuardedFormMixin, forms.Form):
    year = VnYearField(label="Năm", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="Hình thức", choices=InspectionKind.choices)
    title = forms.CharField(label="Tên đợt kiểm tra, giám sát", max_length=300)
    start_date = forms.DateField(label="Từ ngày", widget=DateInput())
    end_date = forms.DateField(label="Đến ngày", widget=DateInput())
    leader = forms.CharField(label="Trưởng đoàn", max_length=200, required=False)
    members = IdsChoiceField(
        label="Thành viên đoàn (người dùng)",
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    other_members = forms.CharField(
        label="Thành viên khác (mỗi người một dòng: họ tên – chức vụ)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    units = IdsChoiceField(
        label="Đơn vị được kiểm tra, giám sát",
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"required": "Chọn ít nhất một đơn vị."},
    )
    with_ntm_appraisal = forms.BooleanField(
        label="Kết hợp với đoàn thẩm định NTM của Phòng Kinh tế", required=False
    )
    appraisal_reference = forms.CharField(
        label="Văn bản, đợt thẩm định NTM liên quan", max_length=300, required=False
    )
    is_done = forms.BooleanField(label="Đã thực hiện xong", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = User.objects.filter(is_active=True).order_by(
            "full_name", "username"
        )
        self.fields["units"].queryset = Unit.objects.exclude(kind="household").order_by(
            "kind", "name"
        )
        self.helper = _helper(
            "Lưu",
            Row(
                Column("year", css_class="col-md-2"),
                Column("kind", css_class="col-md-3"),
                Column("title", css_class="col-md-7"),
            ),
            Row(Column("start_date"), Column("end_date"), Column("leader")),
            Row(Column("members"), Column("units")),
            "other_members",
            Row(Column("with_ntm_appraisal"), Column("appraisal_reference")),
            "is_done",
        )


class FindingForm(forms.Form):
    edit_guard_exempt = "creates a new row (a finding and its recommendations)"

    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Unit.objects.none())
    content = forms.CharField(label="Kết luận", widget=forms.Textarea(attrs={"rows": 4}))
    recommendations = forms.CharField(
        label="Kiến nghị (mỗi kiến nghị một dòng)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    due_date = forms.DateField(label="Hạn khắc phục", required=False, widget=DateInput())

    def __init__(self, *args, inspection=None, **kwargs):
        super().__init__(*args, **kwargs)
        if inspection is not None:
            self.fields["unit"].queryset = inspection.units.order_by("name")
        self.helper = _helper("Thêm kết luận")

    def recommendation_lines(self) -> list[str]:
        return [
            line.strip()
            for line in self.cleaned_data.get("recommendations", "").splitlines()
            if line.strip()
        ]


class RecommendationAnswerForm(GuardedFormMixin, forms.Form):
    response = forms.CharField(label="Trả lời của đơn vị", widget=forms.Textarea(attrs={"rows": 3}))


class RecommendationFollowUpForm(GuardedFormMixin, forms.Form):
    guard_fields = {"status": "status", "note": "follow_up_note"}

    status = forms.ChoiceField(
        label="Kết quả theo dõi",
        choices=[
            (RecommendationStatus.DONE, RecommendationStatus.DONE.label),
            (RecommendationStatus.NOT_DONE, RecommendationStatus.NOT_DONE.label),
        ],
    )
    note = forms.CharField(label="Ghi chú", required=False, max_length=2000)

    @property
    def keeps_watching(self) -> bool:
        """The choice shown is "not put right, keep following it up"."""
        return self["status"].value() == RecommendationStatus.NOT_DONE


class SponsorshipResultForm(GuardedFormMixin, forms.Form):
    """One year's result; the page guards every year's row (typing an earlier year edits it),
    so `sponsorship_result_save` checks the token for the year being saved."""

    guard_in_form = False

    year = VnYearField(label="Năm", min_value=2000, max_value=2100)
    commitment = forms.CharField(
        label="Cam kết trong năm", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    support = forms.CharField(label="Nội dung đã hỗ trợ", widget=forms.Textarea(attrs={"rows": 3}))
    amount_vnd = _vnd_field("Giá trị hỗ trợ (đồng)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Lưu kết quả")


class FeedbackForm(forms.Form):
    edit_guard_exempt = "creates a new row (a difficulty or proposal sent by a unit)"

    unit = forms.ModelChoiceField(label="Đơn vị gửi", queryset=Unit.objects.none())
    year = VnYearField(label="Năm", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="Loại", choices=FeedbackKind.choices)
    subject = forms.CharField(label="Tiêu đề", max_length=300)
    body = forms.CharField(label="Nội dung", widget=forms.Textarea(attrs={"rows": 6}))
    files = MultipleFileField(
        label="Tệp đính kèm (PDF, ảnh, Word, Excel; tối đa 5 tệp)", required=False
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
        self.helper = _helper(
            "Gửi",
            Row(
                Column("unit", css_class="col-md-6"),
                Column("year", css_class="col-md-2"),
                Column("kind", css_class="col-md-4"),
            ),
            "subject",
            "body",
            "files",
        )
        self.helper.form_tag = True
        self.helper.attrs = {"enctype": "multipart/form-data"}


class FeedbackAssignForm(GuardedFormMixin, forms.Form):
    assignee = forms.ModelChoiceField(label="Giao cho", queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _secretariat_users()


class FeedbackAnswerForm(GuardedFormMixin, forms.Form):
    answer = forms.CharField(label="Trả lời", widget=forms.Textarea(attrs={"rows": 5}))
    led_to_adjustment = forms.BooleanField(
        label="Đề xuất này dẫn đến điều chỉnh kế hoạch", required=False
    )
    adjustment_note = forms.CharField(
        label="Nội dung điều chỉnh", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class BudgetLineForm(GuardedFormMixin, forms.Form):
    year = VnYearField(label="Năm", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="Nội dung chi", choices=BudgetKind.choices)
    description = forms.CharField(label="Diễn giải", max_length=300)
    amount_vnd = _vnd_field("Số tiền đề xuất (đồng)")
    proposing_unit = forms.CharField(
        label="Đơn vị đề xuất", max_length=200, initial="Cơ quan thường trực thi đua – khen thưởng"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "Lưu",
            Row(
                Column("year", css_class="col-md-2"),
                Column("kind", css_class="col-md-4"),
                Column("amount_vnd", css_class="col-md-6"),
            ),
            "description",
            "proposing_unit",
        )


class BudgetApproveForm(GuardedFormMixin, forms.Form):
    guard_merge = False  # approving endorses the whole line as the list showed it

    approved_amount_vnd = _vnd_field("Số tiền được duyệt (đồng)")
    approval_reference = forms.CharField(label="Văn bản duyệt", max_length=200, required=False)


class NewsForm(GuardedFormMixin, forms.Form):
    title = forms.CharField(label="Tiêu đề", max_length=300)
    body = forms.CharField(label="Nội dung", widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Lưu")


class ReleaseForm(forms.Form):
    edit_guard_exempt = "creates a new row (each release is a new frozen copy of the figures)"

    year = VnYearField(label="Số liệu năm", min_value=2000, max_value=2100)
    note = forms.CharField(
        label="Ghi chú công bố", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Công bố số liệu")
