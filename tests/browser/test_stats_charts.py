"""/stats/ in a real browser (Chromium): the charts use the width of a desktop column and keep
readable text on a phone (issue 22: charts at 40 % of a desktop, ~8 px month labels)."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, _page
from tests.portal.reporting.test_stats import world  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _measure(page):
    return page.evaluate(
        """() => {
        const main = document.querySelector('main').getBoundingClientRect().width;
        const charts = [...document.querySelectorAll('svg.stats-chart')];
        const widths = charts.map(c => c.getBoundingClientRect().width);
        const sizes = charts.flatMap(c => [...c.querySelectorAll('text')]
            .map(t => t.getBoundingClientRect().height));
        return {main, widths, smallest: Math.min(...sizes), n: charts.length};
    }"""
    )


def test_stats_charts_fill_the_column_and_stay_readable_on_a_phone(browser, live_server, world):  # noqa: F811
    from pathlib import Path

    out = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    for name, viewport, extra in (
        ("desktop", DESKTOP, {}),
        ("phone", PHONE, {"is_mobile": True, "has_touch": True}),
    ):
        context, page = _page(browser, viewport, **extra)
        try:
            page.goto(live_server.url + "/stats/")
            m = _measure(page)
            page.screenshot(path=str(out / f"stats-{name}.png"), full_page=True)
        finally:
            context.close()
        assert m["n"] >= 3, name
        # glyph boxes of the smallest text (axis ticks) at least 13 CSS px high
        assert m["smallest"] >= 13, (name, m)
        if name == "desktop":  # two charts side by side, each near half the column
            assert min(m["widths"]) > 0.4 * m["main"], m
        else:  # one chart per row, the whole column
            assert min(m["widths"]) > 0.9 * m["main"], m
