"""Forms of the yearly cycle (shape only; the rules live in services)."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms

from portal.access import scope
from portal.concurrency import GuardedFormMixin
from portal.numbers import (
    VnDecimalField,
    VnIntegerField,
    VnMoneyField,
    VnNumberInput,
    format_vn_number,
)
from units.models import Unit, UnitKind

from ..models import AssessmentItem, NtmLevel, ValueType
from .rules import pts


def _bounds(field: forms.DecimalField, low, high, unit: str = "") -> None:
    """Range checks with the messages an officer understands."""
    if low is not None:
        field.validators.append(_MinValidator(low, unit))
    if high is not None:
        field.validators.append(_MaxValidator(high, unit))


class _MinValidator:
    def __init__(self, low, unit):
        self.low, self.unit = low, unit

    def __call__(self, value):
        if value is not None and value < self.low:
            if self.unit == "đồng":
                raise forms.ValidationError("Số tiền không được âm.", code="min_value")
            raise forms.ValidationError(f"Giá trị không được nhỏ hơn {pts(self.low)}{self.unit}.")


class _MaxValidator:
    def __init__(self, high, unit):
        self.high, self.unit = high, unit

    def __call__(self, value):
        if value is not None and value > self.high:
            if self.unit == "%":
                raise forms.ValidationError("Tỷ lệ không được vượt quá 100%.", code="max_value")
            raise forms.ValidationError(f"Giá trị không được lớn hơn {pts(self.high)}{self.unit}.")


YES_NO = [("", "— Chưa chọn —"), ("1", "Có / Đạt"), ("0", "Không / Chưa đạt")]


def value_field(item: AssessmentItem) -> forms.Field:
    c = item.criterion
    vt = c.value_type
    attrs = {"class": "form-control"}
    if vt == ValueType.YES_NO:
        return forms.TypedChoiceField(
            label="Kết quả",
            choices=YES_NO,
            required=False,
            coerce=lambda v: v == "1",
            empty_value=None,
        )
    if vt == ValueType.TEXT:
        return forms.CharField(
            label="Kết quả", required=False, widget=forms.Textarea(attrs={"rows": 2})
        )
    if vt == ValueType.MONEY:
        field = VnMoneyField(
            label="Số tiền (đồng)",
            required=False,
            max_digits=18,
            min_value=None,
            widget=VnNumberInput(attrs=attrs, inputmode="numeric"),
        )
        _bounds(field, Decimal(0), None, "đồng")
        return field
    if vt == ValueType.PERCENT:
        field = VnDecimalField(
            label="Tỷ lệ (%)",
            required=False,
            max_digits=5,
            decimal_places=2,
            widget=VnNumberInput(attrs=attrs),
        )
        _bounds(field, Decimal(0), Decimal(100), "%")
        return field
    if vt == ValueType.SCORE:
        field = VnDecimalField(
            label=f"Điểm (0–{pts(c.max_points)})",
            required=False,
            max_digits=6,
            decimal_places=2,
            widget=VnNumberInput(attrs=attrs),
        )
        _bounds(field, Decimal(0), c.max_points)
        return field
    return VnDecimalField(
        label="Số liệu",
        required=False,
        max_digits=18,
        decimal_places=2,
        widget=VnNumberInput(attrs=attrs),
    )


VALUE_ATTR = {
    ValueType.YES_NO: "value_bool",
    ValueType.TEXT: "value_text",
}


def value_attr(item: AssessmentItem) -> str:
    return VALUE_ATTR.get(item.criterion.value_type, "value_number")


def _initial(value, value_type: str):
    """Show stored values the Vietnamese way: 17,5 and 2.796.000.000."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if value_type == ValueType.MONEY:
        return format_vn_number(int(value))
    return format_vn_number(value, grouping=False)


class AssessmentForm(forms.Form):
    """The self-assessment generated from the criteria set: per criterion a value widget by
    value type, the self-score and a note. Items not open for editing are disabled (their POST
    values are ignored)."""

    edit_guard_exempt = (
        "guarded by the assessment's own `revision` (assessment_save refuses a stale save and "
        "offers the saved version)"
    )

    revision = forms.IntegerField(widget=forms.HiddenInput)
    summary = forms.CharField(
        label="Tóm tắt kết quả thực hiện trong năm",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, items: list[AssessmentItem], open_ids: set[int] | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        self.rows = []
        for item in items:
            c = item.criterion
            disabled = open_ids is not None and item.pk not in open_ids
            vf = value_field(item)
            vf.initial = _initial(getattr(item, value_attr(item)), c.value_type)
            score = VnDecimalField(
                label=f"Điểm tự chấm (tối đa {pts(c.max_points)})",
                required=False,
                max_digits=6,
                decimal_places=2,
                initial=_initial(item.self_score, ValueType.SCORE),
            )
            _bounds(score, Decimal(0), c.max_points)
            note = forms.CharField(
                label="Ghi chú, giải trình",
                required=False,
                initial=item.note,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            names = (f"i{item.pk}_value", f"i{item.pk}_score", f"i{item.pk}_note")
            for name, field in zip(names, (vf, score, note), strict=True):
                field.disabled = disabled
                self.fields[name] = field
            self.rows.append((item, names, disabled))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def item_rows(self):
        for item, names, disabled in self.rows:
            yield item, [self[n] for n in names], disabled

    def item_values(self) -> dict[int, dict]:
        out = {}
        for item, (value, score, note), disabled in self.rows:
            if disabled:
                continue
            values = {
                value_attr(item): self.cleaned_data.get(value),
                "self_score": self.cleaned_data.get(score),
                "note": self.cleaned_data.get(note) or "",
            }
            if value_attr(item) == "value_text":
                values["value_text"] = values["value_text"] or ""
            out[item.pk] = values
        return out

    def valid_item_values(self) -> dict[int, dict]:
        """Like item_values, but only the fields that passed validation (call after is_valid):
        autosave stores these and leaves a refused field's saved value as it was."""
        out = {}
        for item, names, disabled in self.rows:
            if disabled:
                continue
            values = {}
            for name, attr in zip(names, (value_attr(item), "self_score", "note"), strict=True):
                if name in self.cleaned_data:
                    value = self.cleaned_data[name]
                    values[attr] = (value or "") if attr in ("value_text", "note") else value
            if values:
                out[item.pk] = values
        return out

    def error_fields(self) -> list[tuple[str, str, list[str]]]:
        """(HTML id, label with its criterion, messages) of every refused field, page order."""
        out = []
        for name in self.fields:
            if name in self.errors:
                out.append((self[name].auto_id, self.field_label(name), self.errors[name]))
        return out

    def field_label(self, name: str) -> str:
        label = self.fields[name].label if name in self.fields else "Biểu mẫu"
        for item, names, _disabled in self.rows:
            if name in names:
                return f"Tiêu chí {item.criterion.number}, {label[:1].lower()}{label[1:]}"
        return str(label)


class ReviewForm(GuardedFormMixin, forms.Form):
    """Reviewer's score, comment and "send back" flag per criterion, and the decision."""

    guard_in_form = False  # review_save checks each criterion's row against the token

    reason = forms.CharField(
        label="Lý do trả lại (bắt buộc khi trả lại)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    #: The button pressed: save the scores, or save them and return / approve.
    action = forms.CharField(required=False)

    def clean_action(self) -> str:
        action = self.cleaned_data["action"]
        return action if action in ("return", "approve") else "save"

    def __init__(self, *args, items: list[AssessmentItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for item in items:
            c = item.criterion
            score = VnDecimalField(
                label=f"Điểm thẩm định (tối đa {pts(c.max_points)})",
                required=False,
                max_digits=6,
                decimal_places=2,
                initial=item.reviewer_score,
            )
            _bounds(score, Decimal(0), c.max_points)
            comment = forms.CharField(
                label="Ý kiến thẩm định",
                required=False,
                initial=item.reviewer_comment,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            returned = forms.BooleanField(
                label="Yêu cầu bổ sung tiêu chí này", required=False, initial=item.returned
            )
            names = (f"r{item.pk}_score", f"r{item.pk}_comment", f"r{item.pk}_returned")
            for name, field in zip(names, (score, comment, returned), strict=True):
                self.fields[name] = field
            self.rows.append((item, names))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def item_fields(self, item_pk: int):
        return [self[f"r{item_pk}_{n}"] for n in ("score", "comment", "returned")]

    def scores(self) -> dict[int, dict]:
        return {
            item.pk: {
                "reviewer_score": self.cleaned_data.get(names[0]),
                "reviewer_comment": self.cleaned_data.get(names[1]) or "",
                "returned": self.cleaned_data.get(names[2]) or False,
            }
            for item, names in self.rows
        }


class ReasonForm(forms.Form):
    edit_guard_exempt = (
        "a state transition with a reason (reopen an approved assessment); the service refuses "
        "it unless the assessment is still approved, and nothing typed is written over"
    )

    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


def _unit_choices(form: forms.Form, user) -> None:
    """Only the units in the user's scope; an officer of one unit finds it already chosen."""
    field = form.fields["unit"]
    field.queryset = scope(user, Unit.objects.exclude(kind=UnitKind.HOUSEHOLD), "pk").order_by(
        "kind", "name"
    )
    field.empty_label = "— Chọn đơn vị —"
    if not form.is_bound and "unit" not in form.initial and hasattr(user, "units"):
        ids = list(user.units.values_list("pk", flat=True)[:2])
        if len(ids) == 1:
            form.initial["unit"] = ids[0]


def _year_choices(campaign):
    return [(y, str(y)) for y in campaign.years]


class RegistrationForm(GuardedFormMixin, forms.Form):
    """A unit's registration for a year. On the edit page the registration's row is guarded:
    its content fields merge with a change saved meanwhile, a conflicting one is refused."""

    guard_fields = {
        "commitments": "commitments",
        "target_level": "target_level",
        "villages_to_standard": "villages_to_standard",
    }

    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Unit.objects.none())
    year = forms.TypedChoiceField(label="Năm", coerce=int)
    commitments = forms.CharField(
        label="Nội dung đăng ký thi đua",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Các chỉ tiêu, nhiệm vụ đơn vị cam kết thực hiện trong năm.",
    )
    target_level = forms.ChoiceField(
        label="Mức phấn đấu đạt chuẩn (đối với xã)",
        required=False,
        choices=[("", "— Không đăng ký —"), *NtmLevel.choices[1:]],
    )
    villages_to_standard = VnIntegerField(
        label="Số thôn phấn đấu đạt chuẩn (đối với xã)",
        required=False,
        min_value=0,
        max_value=200,
        error_messages={"min_value": "Số thôn không được âm."},
    )
    replace = forms.BooleanField(
        label="Thay thế đăng ký đã có (nội dung cũ được giữ trong lịch sử)",
        required=False,
    )

    def __init__(self, *args, user, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        _unit_choices(self, user)
        self.fields["year"].choices = _year_choices(campaign)
        self.campaign = campaign
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("unit", css_class="col-md-8"), Column("year", css_class="col-md-4")),
            "commitments",
            Row(Column("target_level"), Column("villages_to_standard")),
            Submit("save", "Lưu đăng ký"),
        )

    def ask_replace(self, message: str) -> None:
        """The unit already has a registration for the year: say so and show the checkbox that
        confirms the replacement (left unticked)."""
        self.add_error(None, message)
        self.helper.layout.insert(len(self.helper.layout) - 1, "replace")

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year not in self.campaign.years:
            raise forms.ValidationError("Năm nằm ngoài thời gian của phong trào.")
        return year


class StartForm(forms.Form):
    edit_guard_exempt = "creates a new row (starts a unit's self-assessment for a year)"

    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Unit.objects.none())
    year = forms.TypedChoiceField(label="Năm", coerce=int)

    def __init__(self, *args, user, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        _unit_choices(self, user)
        self.fields["year"].choices = _year_choices(campaign)


class ExtensionForm(forms.Form):
    edit_guard_exempt = "creates a new row (a new extension request)"

    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Unit.objects.none())
    year = forms.TypedChoiceField(label="Năm", coerce=int)
    reason = forms.CharField(label="Lý do xin gia hạn", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        _unit_choices(self, user)
        self.fields["year"].choices = _year_choices(campaign)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("unit", css_class="col-md-8"), Column("year", css_class="col-md-4")),
            "reason",
            Submit("send", "Gửi đề nghị gia hạn"),
        )


class DecideForm(GuardedFormMixin, forms.Form):
    """Grant or refuse an extension request as the list showed it (any change since refuses)."""

    guard_merge = False
    guard_fields = {"until": "until", "note": "decision_note"}

    decision = forms.ChoiceField(
        label="Quyết định", choices=[("grant", "Đồng ý gia hạn"), ("refuse", "Không đồng ý")]
    )
    until = forms.DateField(
        label="Gia hạn đến",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(label="Ý kiến", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    @property
    def refuses(self) -> bool:
        """The choice shown is to refuse the extension."""
        return self["decision"].value() == "refuse"
