"""The web toolkit: what list and form views repeat, written once (docs/architecture.md, "The
web toolkit").

- `paginate(request, queryset)` → a `Paginator` page of PAGE_SIZE rows and the query string
  without `page` (for the pager's links): a list page passes both to `_partials/pager.html`.
- `query_without_page(request)` — the query string alone, when the page needs no paginator.
- `model_values(form)` — a ModelForm's cleaned values of its model's fields, for a service
  that saves a whole row (`values=`; services never take the form).
- `attach(form, exc)` puts a service's `ValidationError` next to the fields it names (the rest
  on top of the form); `error_text(exc)` is its one-line form for a flash message.
- `filtered_export(filterset, …)` is the "filtered list + Excel export" pair: the same
  django-filter FilterSet reads the query string for the page and for its `.xlsx`;
  `xlsx_download(…)` is the download of any list's rows (a write-only workbook, so memory stays
  flat as rows grow; `stream=True` for tables that grow with the town also sends the file from
  a temporary file in chunks instead of holding it).
- The year a page is about is checked once, by `campaigns.context.campaign_view` (a campaign's
  page) or `portal.filters.YearForm` (a page of its own).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import BaseForm, BaseModelForm
from django.http import FileResponse, HttpRequest, HttpResponse
from django_htmx.middleware import HtmxDetails

from .models import User


class AuthedRequest(HttpRequest):
    """The request of a view behind `login_required`: its user is a `User`, never anonymous.
    Views annotate `request: AuthedRequest` (or `campaigns.context.CampaignRequest`) so mypy
    knows it; the middleware, not this class, makes it true."""

    user: User
    htmx: HtmxDetails  # django_htmx's middleware


#: Rows on one page of every list.
PAGE_SIZE = 50


def query_without_page(request: HttpRequest) -> str:
    """The page's query string without `page`: the pager's links add their own."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def page_of(
    request: HttpRequest, queryset: QuerySet[Any] | Sequence[Any], per_page: int = PAGE_SIZE
) -> Page[Any]:
    """The page `?page=` asks for (the last one when past the end, the first when not a number)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def paginate(
    request: HttpRequest, queryset: QuerySet[Any] | Sequence[Any], per_page: int = PAGE_SIZE
) -> dict[str, Any]:
    """The two values a list template's pager reads: `page` and `query`."""
    return {"page": page_of(request, queryset, per_page), "query": query_without_page(request)}


def attach(form: BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names (else on top of the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def model_values(form: BaseModelForm[Any]) -> dict[str, Any]:
    """A ModelForm's cleaned values of its model's fields, as the services that save a whole row
    take them (`values=`, portal.rows); the edit guard's `seen` and the form's own extra fields
    stay out."""
    names = {field.name for field in form._meta.model._meta.get_fields()}
    return {name: value for name, value in form.cleaned_data.items() if name in names}


def error_text(exc: ValidationError) -> str:
    """A service's refusal as one line, for a flash message."""
    return " ".join(exc.messages)


def xlsx_download(
    filename: str,
    columns: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str,
    title: str | None = None,
    stream: bool = False,
) -> HttpResponse | FileResponse:
    """An `.xlsx` download of a list: bold frozen header, Vietnamese formats (write_xlsx_into).

    The rows are consumed one at a time into a write-only workbook. With `stream=True` (a table
    with a row per commune: thousands at national scale) the file is written to a temporary file
    and sent from it in chunks, so the response never holds the whole file either."""
    from .dataexchange import XLSX_CONTENT_TYPE, write_xlsx, write_xlsx_into, xlsx_response

    if not stream:
        content = write_xlsx(columns, rows, sheet_title=sheet_title, title=title)
        return xlsx_response(filename, content)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    try:
        write_xlsx_into(handle, columns, rows, sheet_title=sheet_title, title=title)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


def filtered_export(
    filterset: Any,
    *,
    columns: Sequence[Any],
    row: Callable[[int, Any], Sequence[Any]],
    filename: str,
    sheet_title: str,
    title: str | None = None,
    stream: bool = False,
) -> HttpResponse | FileResponse:
    """The `.xlsx` of a filtered list: the rows `filterset` keeps (the same FilterSet, read from
    the same query string, as the page), one line each by `row(number, obj)` (numbered from 1)."""
    rows = (row(i, obj) for i, obj in enumerate(filterset.qs, start=1))
    return xlsx_download(
        filename, columns, rows, sheet_title=sheet_title, title=title, stream=stream
    )
