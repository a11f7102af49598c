"""Forms of the awards app: shape only; rules live in services."""

from __future__ import annotations

import contextlib
import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone

from campaigns.models import Campaign
from portal.access import users_holding
from portal.concurrency import GuardedFormMixin
from portal.forms import IdsChoiceField
from portal.models import User
from portal.numbers import VnIntegerField, VnYearField, vn_formfield
from units.forms import DateInput
from units.models import Authority

from . import selectors as sel
from .models import (
    AwardTier,
    DocumentKind,
    Exemplar,
    MemberRole,
    Nomination,
    NominationStatus,
    PeriodKind,
)


def _helper(label: str) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


def _of_campaign(field: forms.ModelChoiceField, campaign) -> None:
    """A form opened on a campaign's page (campaigns.context) offers that campaign only."""
    if campaign is not None:
        field.queryset = Campaign.objects.filter(pk=campaign.pk)
        field.initial = campaign.pk


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
    unit = forms.ModelChoiceField(
        None,
        label="Tập thể, hộ gia đình được đề nghị",
        required=False,
        help_text="Chọn tập thể (hoặc hộ) — hoặc chọn một cá nhân ở ô dưới.",
    )
    person = forms.ModelChoiceField(None, label="Cá nhân được đề nghị", required=False)
    proposer_unit = forms.ModelChoiceField(None, label="Đơn vị đề nghị")
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
        units, people = self.fields["unit"].queryset, self.fields["person"].queryset
        for name, rows in (("unit", units), ("person", people), ("proposer_unit", units)):
            raw = self.data.get(name)
            if raw and not rows.filter(pk=_pk(raw)).exists():
                return True
        return False

    def __init__(self, *args, user, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        _of_campaign(self.fields["campaign"], campaign)
        self.fields["tier"].queryset = sel.tiers_active()
        self.fields["unit"].queryset = sel.nominee_units_for(user)
        self.fields["person"].queryset = sel.nominee_people_for(user).select_related("affiliation")
        self.fields["proposer_unit"].queryset = sel.nominee_units_for(user).exclude(kind="village")
        self.fields["exemplars"].queryset = sel.exemplars_visible_to(user).order_by("title")
        self.helper = _helper("Lưu dự thảo đề nghị")

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
        self.helper = _helper("Tải lên")


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


def council_users():
    """Who may sit on a council: the users who vote in it."""
    return users_holding("council.vote").order_by("full_name", "username")


class SecretaryForm(forms.Form):
    """The secretary of a session, one of the council's members (the session page's select)."""

    edit_guard_exempt = "names a seat; the service refuses once voting has opened"

    user = forms.ModelChoiceField(
        User.objects.none(),
        error_messages={
            "required": "Chọn thư ký trong số thành viên Hội đồng.",
            "invalid_choice": "Chọn thư ký trong số thành viên Hội đồng.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = council_users()


class AttendanceForm(forms.Form):
    """One member's attendance (the service says which values it takes)."""

    edit_guard_exempt = "one value the service checks against the ballots"

    user = forms.ModelChoiceField(User.objects.all())
    attendance = forms.CharField(required=False)


class VoteForm(forms.Form):
    """A ballot's choice (the service says which values it takes)."""

    edit_guard_exempt = "a ballot is cast once; the service refuses a second"

    choice = forms.CharField(required=False)


TIME_FORMATS = ["%H:%M", "%H.%M", "%Hh%M", "%Hg%M", "%H giờ %M", "%H giờ %M phút"]


def meeting_moment(day, time):
    """A time typed for the meeting day, as an aware datetime in the portal's time zone."""
    if time is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, time))


class SessionForm(forms.Form):
    edit_guard_exempt = "creates a new row (a council session; there is no edit page)"

    title = forms.CharField(label="Tên phiên họp", max_length=300)
    campaign = forms.ModelChoiceField(Campaign.objects.order_by("-start_year"), label="Phong trào")
    meeting_date = forms.DateField(label="Ngày họp", widget=DateInput())
    start_time = forms.TimeField(
        label="Giờ bắt đầu họp",
        required=False,
        input_formats=TIME_FORMATS,
        help_text="Ví dụ: 14:00. Để trống thì lấy giờ bắt đầu biểu quyết.",
    )
    location = forms.CharField(label="Địa điểm", max_length=200, required=False)
    chair = forms.ModelChoiceField(None, label="Chủ tịch Hội đồng (chủ tọa)")
    # A plain choice, read with the chair in clean(): two user look-ups in one form read as N+1.
    secretary = forms.TypedChoiceField(
        label="Thư ký (Ủy viên thư ký, ghi biên bản)",
        help_text="Người ghi và cùng ký biên bản với chủ tọa.",
        coerce=int,
    )
    members = IdsChoiceField(None, label="Các thành viên khác", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        _of_campaign(self.fields["campaign"], campaign)
        self.fields["chair"].queryset = council_users()
        self.fields["secretary"].choices = [("", "---------")] + [
            (u.pk, str(u)) for u in council_users()
        ]
        self.fields["members"].queryset = council_users()
        self.helper = _helper("Tạo phiên họp")

    def clean(self):
        cleaned = super().clean()
        chair, secretary_id = cleaned.get("chair"), cleaned.get("secretary")
        if chair and secretary_id == chair.pk:
            self.add_error("secretary", "Chủ tọa không đồng thời làm thư ký; chọn người khác.")
        elif secretary_id:
            cleaned["secretary"] = council_users().filter(pk=secretary_id).first()
        return cleaned

    def started_at(self):
        return meeting_moment(self.cleaned_data["meeting_date"], self.cleaned_data["start_time"])

    def member_roles(self) -> list[tuple]:
        chair, secretary = self.cleaned_data["chair"], self.cleaned_data["secretary"]
        rows = [(chair, MemberRole.CHAIR), (secretary, MemberRole.SECRETARY)]
        rows += [
            (u, MemberRole.MEMBER)
            for u in self.cleaned_data["members"]
            if u.pk not in (chair.pk, secretary.pk)
        ]
        return rows


class SessionTimesForm(GuardedFormMixin, forms.Form):
    """When the meeting began and ended, as the page showed the session."""

    guard_merge = False
    guard_fields: dict[str, str] = {}

    start_time = forms.TimeField(
        label="Giờ bắt đầu", required=False, input_formats=TIME_FORMATS, help_text="Ví dụ: 14:00"
    )
    end_time = forms.TimeField(
        label="Giờ kết thúc", required=False, input_formats=TIME_FORMATS, help_text="Ví dụ: 16:30"
    )


class AddItemForm(forms.Form):
    edit_guard_exempt = "creates new rows (agenda items of a session)"

    nominations = IdsChoiceField(
        Nomination.objects.none(), label="Đề nghị đã thẩm định", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominations"].queryset = Nomination.objects.filter(
            campaign=session.campaign, status=NominationStatus.CHECKED
        ).select_related("tier", "unit", "person")
        self.fields["nominations"].label_from_instance = lambda n: (
            f"{n.recipient_name} — {n.tier} ({n.period_label})"
        )


def _offer(form: forms.Form, offered) -> None:
    """The page lists only the offered nominations; a posted form keeps every nomination of the
    campaign, so a crafted choice reaches the service's check."""
    if not form.is_bound:
        form.fields["nominations"].queryset = offered.select_related("tier", "unit", "person")


class DecisionForm(forms.Form):
    edit_guard_exempt = "creates a new row (a draft decision; there is no edit page)"

    authority = forms.ModelChoiceField(
        Authority.objects.none(),
        label="Cơ quan ban hành (Chủ tịch quyết định)",
        help_text="Số và ngày của quyết định do sổ văn bản đi cấp khi Chủ tịch ký số.",
    )
    title = forms.CharField(label="Trích yếu", max_length=300)
    legal_bases = forms.CharField(
        label="Căn cứ (mỗi dòng một căn cứ)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    nominations = IdsChoiceField(
        Nomination.objects.none(),
        label="Trường hợp được khen thưởng (đã được Hội đồng thông qua)",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, campaign, offered=None, **kwargs):
        """`offered`: the nominations the page lists, all ticked (what the authority in force
        may confer)."""
        super().__init__(*args, **kwargs)
        from django.utils import timezone

        from units.authorities import NoAuthority, in_force_on

        today = timezone.localdate()
        self.fields["authority"].queryset = in_force_on(today).order_by("level", "body")
        with contextlib.suppress(NoAuthority):
            self.fields["authority"].initial = campaign.authority_on(today).pk
        # Every status is listed server-side so a crafted choice reaches the service's check.
        self.fields["nominations"].queryset = Nomination.objects.filter(
            campaign=campaign
        ).select_related("tier", "unit", "person")
        self.fields["nominations"].label_from_instance = lambda n: f"{n.recipient_name} — {n.tier}"
        if offered is not None:
            self.fields["nominations"].initial = list(offered.values_list("pk", flat=True))
            _offer(self, offered)
        self.helper = _helper("Lưu dự thảo quyết định")


class LetterForm(forms.Form):
    edit_guard_exempt = "creates a new row (a forwarding letter; there is no edit page)"

    number = forms.CharField(label="Số tờ trình", max_length=100, help_text="Ví dụ: 45/TTr-UBND")
    sent_date = forms.DateField(label="Ngày gửi", widget=DateInput())
    recipient = forms.CharField(
        label="Kính gửi", max_length=200, initial="Ủy ban nhân dân tỉnh Quảng Ngãi (qua Sở Nội vụ)"
    )
    nominations = IdsChoiceField(
        Nomination.objects.none(),
        label="Trường hợp trình cấp trên",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, campaign, offered=None, **kwargs):
        """`offered`: the nominations the page lists (what the authority in force may not
        confer: it sends them up)."""
        super().__init__(*args, **kwargs)
        self.fields["nominations"].queryset = Nomination.objects.filter(
            campaign=campaign
        ).select_related("tier", "unit", "person")
        self.fields["nominations"].label_from_instance = lambda n: f"{n.recipient_name} — {n.tier}"
        if offered is not None:
            _offer(self, offered)
        self.helper = _helper("Ghi nhận tờ trình")


class AnswerForm(GuardedFormMixin, forms.Form):
    """The upper level's answer for one forwarded nomination, as the letter page showed it."""

    guard_merge = False
    guard_fields: dict[str, str] = {}

    accepted = forms.TypedChoiceField(
        label="Kết quả",
        choices=[("1", "Được khen thưởng"), ("0", "Không được khen thưởng")],
        coerce=lambda v: v == "1",
    )
    decision_number = forms.CharField(
        label="Số quyết định của cấp trên", required=False, max_length=100
    )
    decision_date = forms.DateField(label="Ngày quyết định", required=False, widget=DateInput())
    note = forms.CharField(label="Nội dung trả lời", required=False, max_length=300)


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
        self.helper = _helper("Lưu")


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
        self.helper = _helper("Gửi góp ý")
