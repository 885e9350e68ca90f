"""The leader report's two charts as inline SVG for its HTML page: the same drawings as the
PDF (report_pdf: monthly satisfaction trend, units' satisfaction rate year to date), from the
same data object, axis from a round number just below the lowest rate. No JavaScript; the
numbers are in the tables beside them. Captions go through gettext (the staff screen has an
English mode); the PDF keeps its Chinese captions."""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .report_pdf import CHART_UNITS, axis_range, pct

BLUE, GREY = "#2f6fb0", "#f0f2f4"


def trend_svg(report) -> str:
    values = [t.satisfaction_pct for t in report.trend]
    low, high = axis_range(values)
    axis = {"low": f"{low:.0f}"}
    width, height, top, plot_h = 640, 190, 30, 120
    n = max(1, len(values))
    step = (width - 40) / n
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" data-chart="trend" '
        f'viewBox="0 0 {width} {height}" width="100%" font-size="12">',
        f"<title>{escape(_('各月满意率（纵轴自 %(low)s%% 起）') % axis)}</title>",
        f'<text x="0" y="14">{escape(_("纵轴自 %(low)s%% 起；柱上为满意率") % axis)}</text>',
        f'<line x1="36" y1="{top + plot_h}" x2="{width}" y2="{top + plot_h}" stroke="#888"/>',
    ]
    for i, (t, v) in enumerate(zip(report.trend, values, strict=True)):
        x = 40 + i * step
        label_x = x + step / 2
        if v is not None:
            h = plot_h * (v - low) / (high - low)
            parts.append(
                f'<rect x="{x + step * 0.15:.1f}" y="{top + plot_h - h:.1f}" '
                f'width="{step * 0.7:.1f}" height="{h:.1f}" fill="{BLUE}"/>'
            )
            parts.append(
                f'<text x="{label_x:.1f}" y="{top + plot_h - h - 3:.1f}" text-anchor="middle" '
                f'font-size="10">{v:.1f}</text>'
            )
        parts.append(
            f'<text x="{label_x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
            f'font-size="10">{escape(t.month[2:])}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def units_svg(report) -> str:
    units = [u for u in report.units if u.get("satisfaction_pct") is not None][:CHART_UNITS]
    low, high = axis_range([u["satisfaction_pct"] for u in units])
    width, label_w, value_w, row = 640, 220, 60, 22
    height = 30 + row * max(1, len(units))
    plot_w = width - label_w - value_w
    title = _("各单位满意率（本年截至本月，横轴自 %(low)s%% 起）") % {"low": f"{low:.0f}"}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" data-chart="units" '
        f'viewBox="0 0 {width} {height}" width="100%" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="14">{escape(title)}</text>',
    ]
    for i, u in enumerate(units):
        y = 26 + i * row
        w = plot_w * (u["satisfaction_pct"] - low) / (high - low)
        parts += [
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{escape(u["name"])}</text>',
            f'<rect x="{label_w}" y="{y}" width="{plot_w}" height="{row - 6}" fill="{GREY}"/>',
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{row - 6}" fill="{BLUE}"/>',
            f'<text x="{label_w + plot_w + 4}" y="{y + 13}">{pct(u["satisfaction_pct"])}</text>',
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))
