"""Server-rendered SVG charts for /stats/: no JavaScript, no CDN, the same numbers in the
tables beside them.

Dot plots of rates on an axis that starts near the lowest value (86–99 % no longer look the
same on a 0–100 scale; a dot, unlike a bar, does not pretend the axis starts at zero). Each
row's full label sits on its own line above its dot, wrapped when long, so no unit name is cut
off. The drawing has no viewBox: x positions are percentages of the width the page gives it
(the whole column on a desktop, the screen on a phone) and the text keeps a fixed, readable
size in CSS pixels instead of shrinking with the drawing."""

import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT_PX = 14
LINE_PX = 18
ROW_PX = 26  # the dot row under the label lines
LABEL_CHARS = 22  # a label longer than this wraps (CJK characters at 14 px on a 360 px phone)
PLOT_LEFT, PLOT_RIGHT = 1.0, 78.0  # % of the width; the value is printed right of the plot


def pct(value) -> str:
    """The one number format of rates on /stats/: one decimal and a percent sign (95.0%)."""
    return "—" if value is None else f"{value:.1f}%"


def axis_range(values) -> tuple[float, float]:
    """From a round number (a multiple of 5) just below the lowest value, to 100."""
    present = [v for v in values if v is not None]
    if not present:
        return 0.0, 100.0
    low = max(0.0, math.floor((min(present) - 2) / 5) * 5)
    return (90.0 if low >= 100 else low), 100.0


def _ticks(low: float, high: float) -> list[float]:
    """Three labels at most (the ends and a round middle): they never overlap on a phone."""
    mid = (low + high) / 2
    return [low, mid, high] if mid == int(mid) and high - low >= 10 else [low, high]


def _wrap(label: str) -> list[str]:
    return [label[i : i + LABEL_CHARS] for i in range(0, len(label), LABEL_CHARS)] or [""]


def _x(value: float, low: float, high: float) -> float:
    share = 0.0 if high == low else (value - low) / (high - low)
    return PLOT_LEFT + max(0.0, min(1.0, share)) * (PLOT_RIGHT - PLOT_LEFT)


def dot_chart_svg(
    *, rows: list[tuple[str, float | None]], title: str, chart_id: str, label_lang: str = ""
) -> SafeString:
    """One dot per (label, rate in %); None prints "—" and draws no dot. `label_lang` marks
    labels that are data (unit names, lang="zh-Hans") on pages in another language."""
    lang_attr = f' lang="{escape(label_lang)}"' if label_lang else ""
    low, high = axis_range(v for _, v in rows)
    ticks = _ticks(low, high)
    axis_h = LINE_PX + 8
    parts = []
    y = axis_h
    for label, value in rows:
        for line in _wrap(label):
            y += LINE_PX
            parts.append(
                f'<text x="{PLOT_LEFT}%" y="{y - 4}" font-size="{FONT_PX}"{lang_attr} '
                f'fill="#1f2328">{escape(line)}</text>'
            )
        mid = y + ROW_PX / 2
        parts.append(
            f'<line x1="{PLOT_LEFT}%" x2="{PLOT_RIGHT}%" y1="{mid}" y2="{mid}" '
            'stroke="#d0d7de" stroke-width="2"/>'
        )
        if value is not None:
            parts.append(
                f'<circle cx="{_x(value, low, high):.2f}%" cy="{mid}" r="7" fill="#1f5fa0"/>'
            )
        parts.append(
            f'<text x="99%" y="{mid + 5}" text-anchor="end" font-size="{FONT_PX}" '
            f'font-weight="600" fill="#1f2328">{escape(pct(value))}</text>'
        )
        y += ROW_PX
    height = y + 6
    grid = []
    for t in ticks:
        x = _x(t, low, high)
        grid.append(
            f'<line x1="{x:.2f}%" x2="{x:.2f}%" y1="{axis_h - 4}" y2="{height - 4}" '
            'stroke="#eaeef2" stroke-width="1"/>'
        )
        anchor = "start" if t == ticks[0] else "middle"
        grid.append(
            f'<text x="{x:.2f}%" y="{LINE_PX - 2}" text-anchor="{anchor}" '
            f'font-size="{FONT_PX - 1}" fill="#57606a">{pct(t)}</text>'
        )
    head = (
        f'<svg id="{chart_id}" xmlns="http://www.w3.org/2000/svg" class="chart stats-chart" '
        'width="100%" '
        f'height="{height}" role="img" aria-labelledby="{chart_id}-title" '
        f'data-axis-min="{low:.0f}">'
        f'<title id="{chart_id}-title">{escape(title)}（{pct(low)}–{pct(high)}）</title>'
    )
    return mark_safe(head + "".join(grid + parts) + "</svg>")  # every label is escaped
