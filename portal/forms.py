"""Forms of the site shell: user management by the secretariat."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.apps import apps
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet

from .concurrency import GuardedFormMixin
from .models import User
from .roles import Role

_MAX_ID = 2**63 - 1


class IdsChoiceField(forms.ModelMultipleChoiceField[Any]):
    """ModelMultipleChoiceField that answers "không hợp lệ" for ids beyond a 64-bit integer
    instead of letting the database driver raise (SQLite: OverflowError → 500). Found by the
    form fuzzing in tests/security/test_fuzz_forms.py; use it for every multi-select of rows."""

    def _check_values(self, value: Any) -> QuerySet[Any]:
        for pk in value:
            text = str(pk).strip()
            if text.lstrip("-").isdecimal() and abs(int(text)) > _MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": text[:20]},
                )
        checked: QuerySet[Any] = super()._check_values(value)  # type: ignore[misc]  # private
        return checked


class IdChoiceField(forms.ModelChoiceField[Any]):
    """ModelChoiceField with the same guard as IdsChoiceField, for a single row."""

    def to_python(self, value: Any) -> Any:
        text = str(value).strip() if value is not None else ""
        if text.lstrip("-").isdecimal() and abs(int(text)) > _MAX_ID:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class SignInForm(AuthenticationForm):
    edit_guard_exempt = "signs in; edits no row"
    error_messages = {
        "invalid_login": (
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý mật khẩu phân biệt chữ hoa, chữ thường."
        ),
        "inactive": "Tài khoản này đã bị khóa. Liên hệ cơ quan thường trực thi đua – khen thưởng.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["password"].label = "Mật khẩu"
        self.helper = FormHelper()
        self.helper.form_tag = False


def _person_label(person: Any) -> str:
    """A person in the user form's list: name – unit."""
    if person.affiliation_id:
        return f"{person.full_name} – {person.affiliation.name}"
    return str(person.full_name)


class UserForm(GuardedFormMixin, forms.ModelForm[User]):
    """Create or edit a user: identity, roles and, for officers, the units they answer for."""

    roles = forms.MultipleChoiceField(
        label="Vai trò", choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    password = forms.CharField(
        label="Mật khẩu ban đầu",
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text="Để trống khi sửa nếu không đổi mật khẩu. Tối thiểu 10 ký tự, không toàn chữ số.",
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "position", "phone", "units", "person"]
        labels = {"username": "Tên đăng nhập", "email": "Thư điện tử"}
        widgets = {"units": forms.SelectMultiple(attrs={"size": 10})}
        field_classes = {"units": IdsChoiceField, "person": IdChoiceField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = cast(IdsChoiceField, self.fields["units"])
        person = cast(IdChoiceField, self.fields["person"])
        unit_model = apps.get_model("units", "Unit")
        units.queryset = unit_model.objects.exclude(kind="household").order_by("kind", "name")
        units.required = False
        person_model = apps.get_model("units", "Person")
        person.queryset = person_model.objects.select_related("affiliation").order_by(
            "full_name", "pk"
        )
        person.label_from_instance = _person_label  # type: ignore[assignment]  # per instance
        self.fields["full_name"].required = True
        if self.instance.pk:
            self.fields["roles"].initial = sorted(self.instance.roles)
        else:
            self.fields["password"].required = True
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("username"), Column("full_name")),
            Row(Column("email"), Column("position"), Column("phone")),
            "roles",
            "units",
            "person",
            "password",
            Submit("save", "Lưu"),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        roles = set(cleaned.get("roles") or [])
        units = cleaned.get("units")
        if Role.UNIT_OFFICER in roles and not units:
            self.add_error("units", "Cán bộ đơn vị phải được gắn với ít nhất một đơn vị.")
        if not roles:
            self.add_error("roles", "Chọn ít nhất một vai trò.")
        password = cleaned.get("password")
        if password:
            try:
                password_validation.validate_password(password, self.instance)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class ImportUploadForm(forms.Form):
    """The file of a browser import (shape only; the importer checks the content)."""

    edit_guard_exempt = "uploads a file; the import has its own preview and checksum"

    file = forms.FileField(
        label="Tệp dữ liệu",
        help_text="Tệp Excel (.xlsx) hoặc CSV mã hóa UTF-8, dòng đầu là dòng tiêu đề đúng mẫu.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": "Chọn tệp cần nhập."},
    )


class NotificationSettingsForm(forms.Form):
    """Which e-mails a person receives: every kind ticked is on."""

    edit_guard_exempt = (
        "a person's own choices, edited only by that person; the page shows what was saved"
    )

    on = forms.MultipleChoiceField(
        label="Gửi thư điện tử cho tôi khi",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .notify import KINDS

        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["on"]).choices = [
            (k.key, f"{k.label} — {k.help}") for k in KINDS.values()
        ]

    def off(self) -> list[str]:
        from .notify import KINDS

        return [key for key in KINDS if key not in self.cleaned_data["on"]]
