"""A small trend chart as inline SVG, drawn on the server (no script): one figure of one agency over the years.

Years printed blank or missing stay gaps in the line and hollow marks on the axis, never a point at 0.
"""

from __future__ import annotations

from markupsafe import Markup

Number = int | float | None
WIDTH, HEIGHT, PAD_X, PAD_TOP, PAD_BOTTOM = 260, 110, 28, 18, 22


def _fmt(value: Number) -> str:
    if value is None:
        return "空白 / blank"
    if isinstance(value, float):
        return f"{value:.1%}" if value <= 1 else f"{value:,.1f}"
    return f"{value:,}"


def _segments(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive known points: a blank year breaks the line."""
    runs: list[list[tuple[float, float]]] = [[]]
    for p in points:
        if p is None:
            runs.append([])
        else:
            runs[-1].append(p)
    return [r for r in runs if r]


def trend_svg(title: str, series: list[tuple[int, Number]], percent: bool = False,
              notes: dict[int, str] | None = None) -> Markup:
    """An SVG line chart of (year, value) pairs in year order; blanks are gaps. notes: a year's hover text
    when it has no value for another reason than a blank cell (no report in the archive)."""
    notes = notes or {}
    years = [y for y, _ in series]
    known = [v for _, v in series if v is not None]
    top = max(known) if known else 0
    top = top or 1
    step = (WIDTH - 2 * PAD_X) / max(len(years) - 1, 1)
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM

    def xy(i: int, v: Number) -> tuple[float, float] | None:
        if v is None:
            return None
        return (PAD_X + i * step, PAD_TOP + plot_h * (1 - v / top))

    points = [xy(i, v) for i, (_, v) in enumerate(series)]
    parts = [Markup('<svg class="trend" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" '
                    'role="img" aria-label="{}">').format(WIDTH, HEIGHT, WIDTH, HEIGHT, title),
             Markup('<text x="4" y="12" class="trend-title">{}</text>').format(title),
             Markup('<line x1="{}" y1="{}" x2="{}" y2="{}" class="trend-axis"/>').format(
                 PAD_X, HEIGHT - PAD_BOTTOM, WIDTH - PAD_X, HEIGHT - PAD_BOTTOM)]
    top_label = "" if not known else f"{top:.0%}" if percent else f"{top:,.0f}"
    parts.append(Markup('<text x="{}" y="{}" class="trend-max">{}</text>').format(WIDTH - 4, PAD_TOP - 4, top_label))
    for run in _segments(points):
        parts.append(Markup('<polyline class="trend-line" points="{}"/>').format(
            " ".join(f"{x:.1f},{y:.1f}" for x, y in run)))
    for i, ((year, value), p) in enumerate(zip(series, points, strict=True)):
        label = f"{year}: {notes.get(year) or _fmt(value)}"
        x = PAD_X + i * step
        if p is None:
            parts.append(Markup('<circle class="trend-blank" cx="{:.1f}" cy="{}" r="3"><title>{}</title></circle>')
                         .format(x, HEIGHT - PAD_BOTTOM, label))
        else:
            parts.append(Markup('<circle class="trend-point" cx="{:.1f}" cy="{:.1f}" r="3"><title>{}</title></circle>')
                         .format(p[0], p[1], label))
        parts.append(Markup('<text x="{:.1f}" y="{}" class="trend-year">{}</text>').format(x, HEIGHT - 6, year))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
