"""A complaint's text reaches feed readers as text, never as markup.

The attack: a complainant writes `<script>…</script><img src=x onerror=…>` in a complaint and
the office publishes it (the masked text keeps it: it is not personal data). RSS <description>
and Atom <summary type="html"> carry HTML, escaped once for XML: a reader decodes the XML and
renders what is left as HTML, so unescaped text would run there."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from . import factories as f

pytestmark = pytest.mark.django_db

PAYLOAD = (
    '路灯不亮<script>alert("x")</script><img src=x onerror=alert(1)><a href="javascript:1">点</a>'
)
ATOM = "{http://www.w3.org/2005/Atom}"


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str):
    parser = _Tags()
    parser.feed(html)
    return parser.tags


@pytest.fixture
def hostile(make_unit, on_commit):
    case = f.case_closed(
        unit=make_unit(name="县城管局"), text=PAYLOAD, answer="已处理。\n<b>第二行"
    )
    return on_commit(f.publish, case)


def _item_html(client):
    rss = ET.fromstring(client.get("/results/feed/").content)
    atom = ET.fromstring(client.get("/results/feed/atom/").content)
    rss_html = rss.find("channel/item/description").text
    entry = atom.find(f"{ATOM}entry")
    summary = entry.find(f"{ATOM}summary")
    assert summary is not None and summary.get("type") == "html"
    return {"rss": rss_html, "atom": summary.text}


def test_a_script_in_a_published_complaint_is_text_in_rss_and_atom(client, hostile):
    for kind, html in _item_html(client).items():
        assert "alert" in html, kind  # the text itself is published …
        tags = _tags(html)
        # … but a reader rendering the HTML finds no element but paragraphs and line breaks
        assert {tag for tag, _ in tags} <= {"p", "br"}, (kind, tags)
        assert "&lt;script&gt;" in html, kind


def test_line_breaks_survive_as_markup(client, hostile):
    for kind, html in _item_html(client).items():
        assert "<br>" in html or "</p><p>" in html or "<p>" in html, kind
