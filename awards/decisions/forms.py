"""Forms of decisions, forwarding letters and the upper level's answers: shape only."""

from __future__ import annotations

import contextlib
from typing import cast

from django import forms
from django.db.models import QuerySet

from portal.concurrency import GuardedFormMixin
from portal.forms import IdsChoiceField
from units.forms import DateInput
from units.models import Authority

from ..forms import submit_helper
from ..models import (
    Nomination,
)


def _offer(form: forms.Form, offered: QuerySet[Nomination]) -> None:
    """The page lists only the offered nominations; a posted form keeps every nomination of the
    campaign, so a crafted choice reaches the service's check."""
    if not form.is_bound:
        field = cast(IdsChoiceField, form.fields["nominations"])
        field.queryset = offered.select_related("tier", "unit", "person")


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
        self.helper = submit_helper("Lưu dự thảo quyết định")


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
        self.helper = submit_helper("Ghi nhận tờ trình")


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
