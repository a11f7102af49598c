"""Award history, statistics and the award panels of unit and person pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render

from portal.access import can, require, scope
from portal.filters import YearForm
from portal.web import AuthedRequest, paginate, xlsx_download
from units.models import Person, Unit

from ..models import (
    Nomination,
)
from ..selectors import today
from . import exports
from . import selectors as sel
from .filters import AwardFilter


def _filtered_awards(request: HttpRequest) -> AwardFilter:
    return AwardFilter(request.GET or None, queryset=sel.awards_visible_to(request.user))


@login_required
def award_list_view(request: AuthedRequest) -> HttpResponse:
    """The award history: one row per recipient with their awards, each once; searchable by
    the name of a person, a collective or the unit (with or without diacritics)."""
    require(request.user, "award.view")
    award_filter = _filtered_awards(request)
    qs = award_filter.qs
    years, table = sel.awards_per_tier_year(qs)
    listing = paginate(request, sel.award_recipients(qs))
    page = listing["page"]
    page.object_list = sel.recipient_awards(qs, list(page.object_list))
    return render(
        request,
        "awards/history/award_list.html",
        {
            **listing,
            "filter": award_filter,
            "years": years,
            "table": table,
            "table_sections": sel.by_kind_sections(table, lambda r: r["kind"]),
            "can_export": can(request.user, "award.export"),
        },
    )


@login_required
def award_export_view(request: AuthedRequest) -> HttpResponseBase:
    """What the list shows (same filter and search), one line per award in the list's order:
    the recipients newest first, each recipient's awards together, each award once."""
    require(request.user, "award.export")
    qs = _filtered_awards(request).qs
    awards = [
        a for group in sel.recipient_awards(qs, sel.award_recipients(qs)) for a in group.awards
    ]
    return xlsx_download(
        "lich-su-khen-thuong.xlsx",
        exports.AWARD_COLUMNS,
        exports.award_rows(awards),
        sheet_title="Khen thưởng",
        title="DANH SÁCH KHEN THƯỞNG",
    )


def _stat_year(request: HttpRequest) -> tuple[int, YearForm]:
    form = YearForm(request.GET or None)
    return form.year_or(None) or today().year - 1, form


@login_required
def statistics_view(request: AuthedRequest) -> HttpResponse:
    require(request.user, "award.view")
    year, year_form = _stat_year(request)
    rows = sel.commendation_statistics(year)
    empty = not any(r["total"] for r in rows)
    return render(
        request,
        "awards/history/statistics.html",
        {
            "year": year,
            "year_form": year_form,
            "rows": rows,
            "sections": sel.by_kind_sections(rows, lambda r: r["tier"].kind),
            "can_export": can(request.user, "award.export"),
            # An all-zero table says why: no award of that year is recorded (yet).
            "empty": empty,
            "why_empty": sel.why_no_awards(year) if empty else None,
        },
    )


@login_required
def statistics_export_view(request: AuthedRequest) -> HttpResponseBase:
    require(request.user, "award.export")
    year, _ = _stat_year(request)
    return xlsx_download(
        f"thong-ke-khen-thuong-{year}.xlsx",
        exports.STAT_COLUMNS,
        exports.statistics_rows(year),
        sheet_title=f"Khen thưởng {year}",
        title=f"SỐ LƯỢNG KHEN THƯỞNG NĂM {year} (mẫu tham khảo, xem docs/awards.md)",
    )


@login_required
def unit_awards_panel_view(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(scope(request.user, Unit.objects.all(), unit_field="pk"), pk=pk)
    require(request.user, "award.view", unit)
    return render(
        request,
        "awards/_partials/award_history_panel.html",
        {
            "awards": sel.awards_of(unit=unit)[:100],
            "nominations": Nomination.objects.filter(unit=unit)
            .select_related("tier")
            .order_by("-created_at")[:20],
        },
    )


@login_required
def person_awards_panel_view(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(
        scope(request.user, Person.objects.all(), unit_field="affiliation"), pk=pk
    )
    require(request.user, "award.view", person)
    return render(
        request,
        "awards/_partials/award_history_panel.html",
        {
            "awards": sel.awards_of(person=person)[:100],
            "nominations": Nomination.objects.filter(person=person)
            .select_related("tier")
            .order_by("-created_at")[:20],
        },
    )
