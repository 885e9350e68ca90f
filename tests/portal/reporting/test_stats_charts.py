"""Issue 22: /stats/ charts that show differences — axes near the lowest value, full unit
names, one number format (95.0%), reply / on-time / call-back satisfaction / solved charts,
the same numbers as the tables and the database."""

import re

import pytest

from complaints.choices import CallbackResult
from complaints.models import Case
from complaints.services import callback_answer
from portal.evaluation.models import Rating
from portal.reporting import charts
from tests.complaints.publication import factories as f

from .test_stats import rate, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

LONG = "县人力资源和社会保障局劳动保障监察大队行政审批服务窗口"  # 28 characters


def _svg(html, chart_id):
    return html.split(f'id="{chart_id}"', 1)[1].split("</svg>", 1)[0]


def _texts(svg):
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def _main(html):
    return html.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.fixture
def called_back(world):  # noqa: F811
    """Two answered cases of 县交通运输局 approved to call-back: one 满意, one 不满意."""
    from complaints.services.workflow import case_approve

    for text, result in (("路灯又坏", CallbackResult.SATISFIED), ("井盖松动", "not_satisfied")):
        case = f.case_answered(unit=world["roads"], text=text, actor=world["office"])
        case_approve(case=case, actor=world["office"])
        callback_answer(case=Case.objects.get(pk=case.pk), result=result)
    return world


def test_department_satisfaction_chart_equals_the_database_and_the_table(client, world):  # noqa: F811
    html = client.get("/stats/").content.decode()
    svg = _svg(html, "chart-satisfaction")
    texts = _texts(svg)
    for unit in (world["roads"], world["permits"]):
        active = Rating.objects.filter(unit=unit, revocation__isnull=True)
        satisfied = sum(1 for r in active if r.level >= 3)
        expected = f"{100 * satisfied / active.count():.1f}%"
        assert texts[texts.index(unit.name) + 1] == expected  # the value beside the name
        table = html.split('data-table="departments"', 1)[1]
        row = table.split(f'<th scope="row" lang="zh-Hans">{unit.name}</th>', 1)[1].split(
            "</tr>", 1
        )[0]
        assert f"<td>{expected}</td>" in row


def test_axis_starts_near_the_lowest_value(client, world):  # noqa: F811
    html = client.get("/stats/").content.decode()
    svg = _svg(html, "chart-satisfaction")  # 75.0 % and 100.0 %
    assert 'data-axis-min="70"' in svg
    assert charts.axis_range([86.0, 99.0]) == (80.0, 100.0)
    assert charts.axis_range([None]) == (0.0, 100.0)


def test_call_back_satisfaction_reply_on_time_and_solved_charts(client, called_back):
    html = client.get("/stats/").content.decode()
    for chart in ("reply_rate", "on_time_rate", "callback_satisfaction", "solved_rate"):
        assert f'id="chart-{chart}"' in html, chart
    texts = _texts(_svg(html, "chart-callback_satisfaction"))
    assert texts[texts.index("县交通运输局") + 1] == "50.0%"
    figure = html.split('data-figure="callback_satisfaction">', 1)[1].split("</li>", 1)[0]
    assert "50.0%" in figure and "回访满意率" in figure


def test_svg_labels_are_the_full_unit_names(client, world, make_unit, make_official):  # noqa: F811
    rate(make_official(name="吴敏", unit=make_unit(name="县发展和改革委员会")), 4)
    rate(make_official(name="郑和", unit=make_unit(name=LONG)), 2)
    html = client.get("/stats/").content.decode()
    texts = _texts(_svg(html, "chart-satisfaction"))
    assert "县发展和改革委员会" in texts
    assert not any("…" in t for t in texts)
    i = next(i for i, t in enumerate(texts) if t and LONG.startswith(t) and len(t) > 8)
    assert texts[i] + texts[i + 1] == LONG  # wrapped on two lines, nothing cut


def test_one_number_format_for_every_rate_on_the_page(client, called_back):
    main = _main(client.get("/stats/").content.decode())
    shown = re.sub(r"<[^>]+>", " ", main)  # what a reader sees: text, not SVG coordinates
    rates = re.findall(r"(?<![\w.])(\d+(?:\.\d+)?)%", shown)
    assert rates
    assert all(re.fullmatch(r"\d+\.\d", r) for r in rates), sorted(set(rates))


def test_charts_fill_the_width_and_keep_readable_text(client, world):  # noqa: F811
    html = client.get("/stats/").content.decode()
    for svg in re.findall(r"<svg[^>]*>", _main(html)):
        assert 'width="100%"' in svg and "viewBox" not in svg  # text is not scaled down
    sizes = {int(s) for s in re.findall(r'font-size="(\d+)"', _main(html))}
    assert sizes and min(sizes) >= 13
    assert "<script" not in _main(html)
