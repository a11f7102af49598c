"""Server-side SVG charts for the PDF (no JavaScript): grouped bars and a line, in black and
greys so they print well on an office printer."""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe

from portal.numbers import format_vn_number

FILLS = ["#222", "#777", "#bbb", "#fff"]


def _fmt(value: float) -> str:
    """Whole from 10 up, one decimal below: 1.234, 12, 2,5."""
    return format_vn_number(value, 0 if abs(value) >= 10 or value == int(value) else 1)


def bar_chart(
    labels: list[str], series: list[tuple[str, list[float]]], *, width=600, height=260, unit=""
) -> SafeString:
    """Grouped bar chart: one group per label, one bar per series, with a legend."""
    left, right, top, bottom = 50, 10, 24, 62
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([v for _, values in series for v in values] + [1])
    step = _nice_step(peak)
    ymax = step * (int(peak / step) + 1)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="VNSerif, serif" font-size="14">'
    ]
    tick = 0.0
    while tick <= ymax + 1e-9:
        y = top + plot_h - plot_h * tick / ymax
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            'stroke="#ccc" stroke-width="0.5"/>'
        )
        out.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{_fmt(tick)}</text>')
        tick += step
    group_w = plot_w / max(len(labels), 1)
    bar_w = group_w * 0.7 / max(len(series), 1)
    for i, label in enumerate(labels):
        gx = left + i * group_w + group_w * 0.15
        for j, (_, values) in enumerate(series):
            value = values[i]
            h = plot_h * value / ymax
            x = gx + j * bar_w
            y = top + plot_h - h
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                f'fill="{FILLS[j % len(FILLS)]}" stroke="#000" stroke-width="0.6"/>'
            )
            if value:
                out.append(
                    f'<text x="{x + bar_w / 2:.1f}" y="{y - 2:.1f}" text-anchor="middle" '
                    f'font-size="12">{_fmt(value)}</text>'
                )
        out.append(
            f'<text x="{left + i * group_w + group_w / 2:.1f}" y="{top + plot_h + 14}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    out.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#000"/>'
    )
    lx: float = left
    for j, (name, _) in enumerate(series):
        ly = height - 22
        out.append(
            f'<rect x="{lx}" y="{ly}" width="10" height="10" fill="{FILLS[j % len(FILLS)]}" '
            'stroke="#000" stroke-width="0.6"/>'
        )
        out.append(f'<text x="{lx + 14}" y="{ly + 9}">{escape(name)}</text>')
        lx += 30 + 7.4 * len(name)
    if unit:
        out.append(f'<text x="4" y="14" font-style="italic">{escape(unit)}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))


def _nice_step(peak: float) -> float:
    raw = peak / 5
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return float(factor * magnitude)
    return float(10 * magnitude)
