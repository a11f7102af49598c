"""List filters of the site shell's pages (django-filter): every value a list reads from the
query string is validated by a form field; a value that does not validate is shown as that
field's error and ignored, never passed to the database."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import django_filters
import django_filters.fields
from django import forms
from django.db.models import Q, QuerySet

from .audit_display import model_choices
from .figures_cache import query_rows
from .models import AuditEvent, User
from .numbers import VnYearField
from .roles import Role


class KeptChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """A model select's options as (id, name) rows kept until a table they read is written
    (portal.figures_cache.query_rows): a filter offering a country's 330 clusters reads them
    from the cache, not as 330 model instances on every page."""

    field: KeptModelChoiceField

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        yield from self._rows()

    def __len__(self) -> int:
        extra = (self.field.empty_label is not None) + (self.field.null_label is not None)
        return len(self._rows()) + extra

    def _rows(self) -> list[tuple[Any, ...]]:
        return query_rows(self.queryset.values_list("pk", self.field.label_field))


class KeptModelChoiceField(django_filters.fields.ModelChoiceField):
    iterator = KeptChoiceIterator
    null_label: str | None
    null_value: str
    #: The field shown as each option's label (the model's __str__ for the models this serves).
    label_field = "name"


class NamedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter whose options are the rows' names, kept in the cache."""

    field_class = KeptModelChoiceField


#: Dates in a filter: the browser's date input sends ISO; people type dd/mm/yyyy.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class DateFilter(django_filters.DateFilter):
    """A date from a `<input type="date">`; an impossible date (30/02) is a form error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(*args, **kwargs)  # type: ignore[no-untyped-call]  # django-filter


class AuditFilter(django_filters.FilterSet):
    model = django_filters.ChoiceFilter(label="Loại dữ liệu", empty_label="Tất cả", choices=[])
    action = django_filters.ChoiceFilter(
        label="Thao tác", choices=AuditEvent.Action.choices, empty_label="Tất cả"
    )
    actor = django_filters.CharFilter(label="Người thực hiện", method="filter_actor")
    tu = DateFilter(label="Từ ngày", field_name="at", lookup_expr="date__gte")
    den = DateFilter(label="Đến ngày", field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditEvent
        fields = ["model", "action", "actor", "tu", "den"]

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        queryset: QuerySet[AuditEvent] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, queryset=queryset, **kwargs)  # type: ignore[no-untyped-call]  # django-filter
        models = self.queryset.order_by("model").values_list("model", flat=True).distinct()
        self.filters["model"].extra["choices"] = model_choices(models)

    def filter_actor(
        self, queryset: QuerySet[AuditEvent], name: str, value: str
    ) -> QuerySet[AuditEvent]:
        """By the person's name (or, for the secretariat who knows it, the login name)."""
        value = value.strip()
        if not value:
            return queryset
        people = User.objects.filter(Q(full_name__icontains=value) | Q(username__icontains=value))
        return queryset.filter(Q(actor_id__in=people.values("pk")) | Q(actor_name__icontains=value))


class UserFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Tìm", method="filter_q")
    role = django_filters.ChoiceFilter(
        label="Vai trò", choices=Role.choices, empty_label="Tất cả", method="filter_role"
    )
    active = django_filters.ChoiceFilter(
        label="Trạng thái",
        choices=[("1", "Đang hoạt động"), ("0", "Đã khóa")],
        empty_label="Tất cả",
        method="filter_active",
    )

    class Meta:
        model = User
        fields = ["q", "role", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[no-untyped-call]  # django-filter
        self.form.fields["q"].widget.attrs["placeholder"] = "Tên đăng nhập, họ tên, thư điện tử"

    def filter_q(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(username__icontains=value) | Q(full_name__icontains=value) | Q(email__icontains=value)
        )

    def filter_role(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return queryset.filter(role_grants__role=value) if value else queryset

    def filter_active(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return queryset.filter(is_active=value == "1")


#: The years a filter accepts: the portal's data start in the 2000s; beyond this is a typo.
YEAR_RANGE = (1990, 2100)


class YearField(VnYearField):
    """A year typed in a filter: a whole number within YEAR_RANGE, else a form error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", YEAR_RANGE[0])
        kwargs.setdefault("max_value", YEAR_RANGE[1])
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)


class YearFilter(django_filters.Filter):
    field_class = YearField


class IdField(forms.IntegerField):
    """A row's id in a query string (the page offers a list to pick it from, never a box to type
    it in): a positive whole number that fits the database's ids, else a form error."""

    widget = forms.HiddenInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)


class YearForm(forms.Form):
    """A page for one year (`?year=`): a bad year is a form error and the default year is shown."""

    edit_guard_exempt = "filters a page by year"

    year = YearField(label="Năm")

    def year_or(self, default: int | None) -> int | None:
        year: int | None = self.cleaned_data["year"] if self.is_valid() else None
        return year or default
