"""Publishing a year's ranking (secretariat): frozen rows + SHA-256 of their canonical JSON."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from ..models import Campaign, RankingPublication
from .ranking import BLOC, COMMUNE, bloc_ranking, canonical_rows, commune_ranking, rows_hash


def live_ranking(*, kind: str, campaign: Campaign, year: int):
    if kind == COMMUNE:
        return commune_ranking(year, campaign=campaign)
    if kind == BLOC:
        return bloc_ranking(year, campaign=campaign)
    raise ValidationError("Loại bảng xếp hạng không hợp lệ.")


@transaction.atomic
def ranking_publish(
    *, campaign: Campaign, kind: str, year: int, user, note: str = ""
) -> RankingPublication:
    """Freeze the live ranking of `year` as a new publication version."""
    if not (campaign.start_year <= year <= campaign.end_year):
        raise ValidationError(
            f"Năm {year} nằm ngoài thời gian của phong trào "
            f"({campaign.start_year}–{campaign.end_year})."
        )
    ranking = live_ranking(kind=kind, campaign=campaign, year=year)
    rows = canonical_rows(ranking)
    if not rows:
        raise ValidationError(f"Chưa có số liệu năm {year} để công bố bảng xếp hạng.")
    last = (
        RankingPublication.objects.select_for_update()
        .filter(campaign=campaign, kind=kind, year=year)
        .aggregate(v=Max("version"))["v"]
        or 0
    )
    try:
        with transaction.atomic():
            return RankingPublication.objects.create(
                campaign=campaign,
                kind=kind,
                year=year,
                version=last + 1,
                method=ranking.method,
                method_text=ranking.method_text,
                rows=rows,
                sha256=rows_hash(rows),
                published_by=user,
                note=note,
            )
    except IntegrityError as exc:
        raise ValidationError(
            "Một người khác vừa công bố bảng xếp hạng này; tải lại trang để xem."
        ) from exc
