"""Publishing a year's ranking (secretariat): frozen rows + SHA-256 of their canonical JSON."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from portal.models import User

from ..models import Campaign, RankingPublication, UnconfirmedPublishing
from .ranking import (
    BLOC,
    COMMUNE,
    Ranking,
    bloc_ranking,
    canonical_rows,
    commune_ranking,
    rows_hash,
)
from .selectors import Unconfirmed, unconfirmed_communes


def live_ranking(*, kind: str, campaign: Campaign, year: int) -> Ranking:
    if kind == COMMUNE:
        return commune_ranking(year, campaign=campaign)
    if kind == BLOC:
        return bloc_ranking(year, campaign=campaign)
    raise ValidationError("Loại bảng xếp hạng không hợp lệ.")


def unconfirmed_in(ranking: Ranking, year: int) -> list[Unconfirmed]:
    """The ranked communes whose NTM data of `year` is unconfirmed (none for the bloc ranking:
    it ranks approved self-assessments only)."""
    if ranking.kind != COMMUNE:
        return []
    return unconfirmed_communes({r.unit_id for r in ranking.rows if r.year == year}, year)


def _check_unconfirmed(
    campaign: Campaign, year: int, unconfirmed: list[Unconfirmed], acknowledged: int | None
) -> str:
    """Refuse, or require the publisher to acknowledge the count they saw, as the campaign's
    `unconfirmed_publishing` says; returns the line recorded in the publication's note."""
    if not unconfirmed:
        return ""
    n = len(unconfirmed)
    names = "; ".join(u.text for u in unconfirmed)
    if campaign.unconfirmed_publishing == UnconfirmedPublishing.REFUSE:
        raise ValidationError(
            f"Chưa công bố được: còn {n} xã chưa được Phòng Kinh tế xác nhận số liệu năm {year} "
            f"({names}). Theo thiết lập của phong trào, chỉ công bố khi mọi số liệu đã được "
            "xác nhận."
        )
    if acknowledged != n:
        raise ValidationError(
            f"Còn {n} xã chưa được xác nhận số liệu năm {year} ({names}). Đánh dấu “Tôi biết "
            f"{n} xã chưa được xác nhận số liệu” rồi công bố lại nếu vẫn công bố."
        )
    return f"Khi công bố còn {n} xã chưa được xác nhận số liệu: {names}."


@transaction.atomic
def ranking_publish(
    *,
    campaign: Campaign,
    kind: str,
    year: int,
    by: User,
    note: str = "",
    acknowledged_unconfirmed: int | None = None,
) -> RankingPublication:
    """Freeze the live ranking of `year` as a new publication version.

    While some ranked communes' NTM data is unconfirmed, the campaign's setting decides: refuse,
    or publish only when the publisher acknowledged exactly that many communes (the count they
    saw on the page; a different count means the data moved since). The fact is written into
    the publication's note."""
    if not (campaign.start_year <= year <= campaign.end_year):
        raise ValidationError(
            f"Năm {year} nằm ngoài thời gian của phong trào "
            f"({campaign.start_year}–{campaign.end_year})."
        )
    ranking = live_ranking(kind=kind, campaign=campaign, year=year)
    rows = canonical_rows(ranking)
    if not rows:
        raise ValidationError(f"Chưa có số liệu năm {year} để công bố bảng xếp hạng.")
    fact = _check_unconfirmed(
        campaign, year, unconfirmed_in(ranking, year), acknowledged_unconfirmed
    )
    if fact:
        note = f"{note}\n{fact}".strip()
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
                published_by=by,
                note=note,
            )
    except IntegrityError as exc:
        raise ValidationError(
            "Một người khác vừa công bố bảng xếp hạng này; tải lại trang để xem."
        ) from exc
