"""Forms for campaigns, targets, milestones, criteria sets, NTM status and contributions
(shape only; rules live in services)."""

from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory

from portal.concurrency import GuardedFormMixin
from portal.numbers import vn_formfield
from units.models import Unit, UnitKind

from ..models import (
    VILLAGE_LEVELS,
    Campaign,
    Contribution,
    CriteriaSet,
    Criterion,
    Milestone,
    NtmLevel,
    Target,
    UnconfirmedPublishing,
)


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, **kwargs):
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}, **kwargs)


DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
# A plan's issue time when its date line leaves the day blank: "tháng 7 năm 2022", "năm 2022".
PLAN_PERIOD = re.compile(r"(tháng (?:[1-9]|1[0-2]) )?năm (19|20)\d\d", re.IGNORECASE)


class CampaignForm(GuardedFormMixin, forms.ModelForm):
    copy_criteria_from = forms.ModelChoiceField(
        label="Sao chép bộ tiêu chí từ phong trào",
        queryset=Campaign.objects.none(),
        required=False,
        empty_label="Không sao chép",
        help_text="Phiên bản mới nhất của từng bộ tiêu chí được chép sang, sửa được.",
    )

    class Meta:
        model = Campaign
        formfield_callback = vn_formfield
        fields = [
            "code",
            "title",
            "issuing_body",
            "authority",
            "plan_number",
            "plan_date",
            "plan_date_text",
            "legal_bases",
            "start_year",
            "end_year",
            "preliminary_review_year",
            "final_review_year",
            "status",
            "ranking_method",
            "ntm_criterion_set",
            "unconfirmed_publishing",
            "is_sample",
        ]
        widgets = {
            "plan_date": DateInput(),
            "legal_bases": forms.Textarea(attrs={"rows": 5}),
            "title": forms.TextInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_date"].input_formats = DATE_FORMATS
        self.fields["unconfirmed_publishing"].required = False
        creating = self.instance.pk is None
        if creating:
            self.fields["copy_criteria_from"].queryset = Campaign.objects.order_by("-start_year")
        else:
            del self.fields["copy_criteria_from"]
            # The code is in every URL and file; it does not change after creation.
            self.fields["code"].disabled = True
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                "Thông tin chung",
                Row(Column("code", css_class="col-md-4"), Column("title", css_class="col-md-8")),
                Row(
                    Column("start_year"),
                    Column("end_year"),
                    Column("preliminary_review_year"),
                    Column("final_review_year"),
                ),
                Row(Column("status"), Column("ranking_method"), Column("ntm_criterion_set")),
                "unconfirmed_publishing",
            ),
            Fieldset(
                "Văn bản kế hoạch",
                Row(Column("issuing_body"), Column("authority")),
                HTML(
                    '<p class="small text-muted">Người ký, địa danh, Hội đồng Thi đua – Khen '
                    "thưởng và nơi nhận của từng văn bản lấy theo cơ quan ban hành có hiệu lực "
                    'vào ngày văn bản (<a href="/don-vi/co-quan-ban-hanh/">Cơ quan ban '
                    "hành</a>).</p>"
                ),
                Row(Column("plan_number"), Column("plan_date"), Column("plan_date_text")),
                "legal_bases",
            ),
            *(["copy_criteria_from"] if creating else []),
            "is_sample",
            Submit("save", "Lưu"),
        )

    def clean_unconfirmed_publishing(self):
        # A form posted without the field (older clients, scripts) keeps the safe default.
        return self.cleaned_data.get("unconfirmed_publishing") or (
            self.instance.unconfirmed_publishing or UnconfirmedPublishing.ACKNOWLEDGE
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end:
            if end < start:
                self.add_error("end_year", "Năm kết thúc phải từ năm bắt đầu trở về sau.")
            for name, label in (
                ("preliminary_review_year", "Năm sơ kết"),
                ("final_review_year", "Năm tổng kết"),
            ):
                value = cleaned.get(name)
                if value and not start <= value <= end:
                    self.add_error(name, f"{label} phải nằm trong giai đoạn {start}–{end}.")
        text = (cleaned.get("plan_date_text") or "").strip()
        if text:
            if cleaned.get("plan_date"):
                self.add_error(
                    "plan_date_text",
                    "Kế hoạch đã có ngày ban hành; chỉ ghi thời điểm khi kế hoạch không ghi ngày.",
                )
            elif not PLAN_PERIOD.fullmatch(text):
                self.add_error(
                    "plan_date_text",
                    "Ghi như trên kế hoạch, ví dụ: “tháng 7 năm 2022” hoặc “năm 2022”.",
                )
            cleaned["plan_date_text"] = text
        return cleaned


class _TableRowForm(GuardedFormMixin, forms.ModelForm):
    """A form shown as one table row: Bootstrap classes on widgets, the column header labels it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs.setdefault("class", css)
            widget.attrs.setdefault("aria-label", str(field.label))


class TargetForm(_TableRowForm):
    class Meta:
        model = Target
        formfield_callback = vn_formfield
        fields = ["order", "title", "metric", "min_value", "max_value", "by_year"]
        widgets = {"title": forms.TextInput()}


class MilestoneForm(_TableRowForm):
    class Meta:
        model = Milestone
        formfield_callback = vn_formfield
        fields = ["kind", "title", "year", "due_date"]
        widgets = {"due_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_date"].input_formats = DATE_FORMATS


class _CampaignChildFormSet(BaseInlineFormSet):
    """Years must fall inside the campaign."""

    year_field = "year"

    def clean(self):
        super().clean()
        campaign = self.instance
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            year = form.cleaned_data.get(self.year_field)
            if year and not campaign.start_year <= year <= campaign.end_year:
                form.add_error(
                    self.year_field,
                    f"Năm {year} nằm ngoài giai đoạn {campaign.start_year}–{campaign.end_year}.",
                )
            if self.year_field == "by_year":
                low, high = form.cleaned_data.get("min_value"), form.cleaned_data.get("max_value")
                if low is not None and high is not None and high < low:
                    form.add_error("max_value", "Giá trị tối đa phải lớn hơn hoặc bằng tối thiểu.")


class _TargetFormSet(_CampaignChildFormSet):
    year_field = "by_year"


TargetFormSet = inlineformset_factory(
    Campaign, Target, form=TargetForm, formset=_TargetFormSet, extra=2, can_delete=True
)
MilestoneFormSet = inlineformset_factory(
    Campaign, Milestone, form=MilestoneForm, formset=_CampaignChildFormSet, extra=2, can_delete=True
)


class CriteriaSetForm(GuardedFormMixin, forms.ModelForm):
    class Meta:
        model = CriteriaSet
        fields = ["target_group", "name", "legal_basis", "valid_from", "valid_to"]
        widgets = {
            "valid_from": DateInput(),
            "valid_to": DateInput(),
            "legal_basis": forms.Textarea(attrs={"rows": 2}),
            "name": forms.TextInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("valid_from", "valid_to"):
            self.fields[name].input_formats = DATE_FORMATS
        if self.instance.pk:
            self.fields["target_group"].disabled = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("target_group", css_class="col-md-4"), Column("name", css_class="col-md-8")),
            "legal_basis",
            Row(Column("valid_from"), Column("valid_to")),
        )

    def clean(self):
        cleaned = super().clean()
        vf, vt = cleaned.get("valid_from"), cleaned.get("valid_to")
        if vf and vt and vt < vf:
            self.add_error("valid_to", "Ngày hết hiệu lực phải sau ngày bắt đầu áp dụng.")
        return cleaned


class CriterionForm(_TableRowForm):
    class Meta:
        model = Criterion
        formfield_callback = vn_formfield
        fields = ["number", "text", "value_type", "max_points", "evidence_required", "guidance"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "guidance": forms.Textarea(attrs={"rows": 1}),
        }


class _CriteriaFormSet(BaseInlineFormSet):
    def clean(self):
        # Checked before Django's own unique check so the message is ours and sits on the field.
        numbers: set[int] = set()
        duplicate = False
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            number = form.cleaned_data.get("number")
            if number is None:
                continue
            if number in numbers:
                form.add_error("number", f"Số thứ tự {number} trùng với một tiêu chí khác.")
                duplicate = True
            numbers.add(number)
        if not duplicate:
            super().clean()


CriteriaFormSet = inlineformset_factory(
    CriteriaSet, Criterion, form=CriterionForm, formset=_CriteriaFormSet, extra=1, can_delete=True
)


class NtmStatusForm(GuardedFormMixin, forms.Form):
    """A commune's or village's NTM status for one year. The unit and year come from the URL."""

    # ntm_status_save checks the token (the page may show no record yet; criteria by number).
    guard_in_form = False

    level = forms.ChoiceField(label="Mức đạt chuẩn", choices=NtmLevel.choices)
    criteria_met = forms.MultipleChoiceField(
        label="Tiêu chí đã đạt",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recognition_decision = forms.CharField(
        label="Quyết định công nhận (số, ký hiệu)", max_length=200, required=False
    )
    recognition_date = forms.DateField(
        label="Ngày công nhận", required=False, widget=DateInput(), input_formats=DATE_FORMATS
    )
    note = forms.CharField(
        label="Ghi chú", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, unit: Unit, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        #: How many national criteria the set in force has (19 in QĐ 318/QĐ-TTg).
        self.size = len(criteria) or 19
        if unit.kind == UnitKind.VILLAGE:
            self.fields["level"].choices = [
                (v, label) for v, label in NtmLevel.choices if v in VILLAGE_LEVELS
            ]
            del self.fields["criteria_met"]
        else:
            self.fields["criteria_met"].choices = [
                (str(c.number), f"{c.number}. {c.name}") for c in criteria
            ]
            self.fields["level"].help_text = (
                f"Đạt chuẩn NTM, NTM nâng cao hoặc NTM kiểu mẫu đòi hỏi đạt đủ "
                f"{self.size}/{self.size} tiêu chí dưới đây."
            )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "level",
            *(["criteria_met"] if "criteria_met" in self.fields else []),
            Row(Column("recognition_decision"), Column("recognition_date")),
            "note",
            HTML(
                '<p class="small text-muted">Lưu thay đổi sẽ hủy xác nhận của Phòng Kinh tế '
                "(nếu có); lịch sử vẫn được giữ.</p>"
            ),
            Submit("save", "Lưu"),
        )

    def numbers(self) -> list[int]:
        return [int(n) for n in self.cleaned_data.get("criteria_met", [])]

    def clean(self):
        """Refuse a level the criteria met do not reach, next to the field (the service checks
        the same rule again, through `ntm_check`)."""
        from .services import ntm_level_errors

        cleaned = super().clean()
        if "level" in cleaned:
            errors = ntm_level_errors(
                kind=self.unit.kind,
                level=cleaned["level"],
                numbers=self.numbers(),
                size=self.size,
            )
            for name, message in errors.items():
                self.add_error(name if name in self.fields else None, message)
        return cleaned


def contribution_fields(form: ContributionForm) -> dict:
    """The contribution's values as `contribution_save` takes them (keyword arguments)."""
    return {name: form.cleaned_data[name] for name in ContributionForm.Meta.fields}


class ContributionForm(GuardedFormMixin, forms.ModelForm):
    commune = forms.ModelChoiceField(label="Xã", queryset=Unit.objects.none())

    class Meta:
        model = Contribution
        formfield_callback = vn_formfield
        fields = [
            "year",
            "contributor",
            "contributor_kind",
            "money_vnd",
            "work_days",
            "land_m2",
            "in_kind",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        if self.instance.pk:
            self.fields["commune"].initial = self.instance.commune_id
        elif communes.count() == 1:
            self.fields["commune"].initial = communes.first().pk
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("commune"), Column("year")),
            Row(Column("contributor", css_class="col-md-8"), Column("contributor_kind")),
            Row(Column("money_vnd"), Column("work_days"), Column("land_m2")),
            "in_kind",
            "note",
            Submit("save", "Lưu"),
        )

    def _check(self, name: str):
        from .services import contribution_check

        value = self.cleaned_data.get(name)
        errors = contribution_check(
            year=None,
            campaign=None,
            **dict.fromkeys(("money_vnd", "work_days", "land_m2")) | {name: value},
        )
        if name in errors:
            raise forms.ValidationError(errors[name])
        return value

    def clean_money_vnd(self):
        return self._check("money_vnd")

    def clean_work_days(self):
        return self._check("work_days")

    def clean_land_m2(self):
        return self._check("land_m2")
