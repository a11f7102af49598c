"""Forms of council sessions and votes: shape only; rules live in services."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from campaigns.models import Campaign
from portal.access import users_holding
from portal.concurrency import GuardedFormMixin
from portal.forms import IdsChoiceField
from portal.models import User
from units.forms import DateInput

from ..forms import of_campaign, submit_helper
from ..models import (
    MemberRole,
    Nomination,
    NominationStatus,
)


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
    chair: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        None, label="Chủ tịch Hội đồng (chủ tọa)"
    )
    # A plain choice, read with the chair in clean(): two user look-ups in one form read as N+1.
    secretary = forms.TypedChoiceField(
        label="Thư ký (Ủy viên thư ký, ghi biên bản)",
        help_text="Người ghi và cùng ký biên bản với chủ tọa.",
        coerce=int,
    )
    members = IdsChoiceField(None, label="Các thành viên khác", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        of_campaign(self.fields["campaign"], campaign)
        self.fields["chair"].queryset = council_users()
        self.fields["secretary"].choices = [("", "---------")] + [
            (u.pk, str(u)) for u in council_users()
        ]
        self.fields["members"].queryset = council_users()
        self.helper = submit_helper("Tạo phiên họp")

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

    def member_roles(self) -> list[tuple[User, str]]:
        chair, secretary = self.cleaned_data["chair"], self.cleaned_data["secretary"]
        rows: list[tuple[User, str]] = [
            (chair, MemberRole.CHAIR),
            (secretary, MemberRole.SECRETARY),
        ]
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
