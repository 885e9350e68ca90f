"""One language a page (issue 21): every public page and every form error, rendered in English,
has no Han character outside elements marked lang="zh-Hans" (data: names, units, complaint text,
the switch's own "简体中文" — WCAG 3.1.2); in Chinese no "(English)"-style bracket is left."""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.conf import settings

from cms.models import NewsPage, PolicyPage
from complaints.choices import Finding, HandlingAction, HandlingTier
from complaints.publication import services as publication_services
from tests.complaints.publication import factories as f

pytestmark = pytest.mark.django_db

# Han characters and the full-width colon and comma ("Subscribe：" on an English page)
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\uff0c\uff1a]")
# "(wrong captcha)", "(Thank you for your rating!)": a bracketed run of English words
ENGLISH_BRACKET = re.compile(r"[(（][A-Za-z][a-z]+(?:[ ,;'’-]+[A-Za-z]+)+[^()（）]*[)）]")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip
SKIPPED = {"script", "style"}
# "value" only of buttons: a text field's value is what the visitor typed (their query)
TEXT_ATTRS = ("title", "alt", "placeholder", "aria-label")


class _Texts(HTMLParser):
    """(text, lang of the nearest element that declares one) for every text node and every
    human-readable attribute; hidden inputs and script/style are not read by people."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, lang)
        self.found = []

    def _lang(self):
        return next((lang for _, lang in reversed(self.stack) if lang is not None), None)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        effective = lang if lang is not None else self._lang()
        if not (tag == "input" and attrs.get("type") == "hidden") and tag != "meta":
            names = TEXT_ATTRS
            if tag == "input" and attrs.get("type") in ("submit", "button", "reset"):
                names = (*TEXT_ATTRS, "value")
            for name in names:
                if attrs.get(name):
                    self.found.append((attrs[name], effective, f"<{tag} {name}>"))
        if tag not in VOID:
            self.stack.append((tag, lang))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        # <title>: the page's name (data) and the site's name in one string, which no element
        # can split; the page's <h1> carries the page name with its lang instead
        skipped = SKIPPED | {"title"}
        if any(t in skipped for t, _ in self.stack) or not data.strip():
            return
        tag = self.stack[-1][0] if self.stack else "?"
        self.found.append((data.strip(), self._lang(), f"<{tag}>"))


def texts(html: str):
    parser = _Texts()
    parser.feed(html)
    return parser.found


def han_outside_chinese(html: str) -> list[str]:
    return [
        f"{where} {text[:80]!r}"
        for text, lang, where in texts(html)
        if HAN.search(text) and not (lang or "").lower().startswith("zh")
    ]


def english_brackets(html: str) -> list[str]:
    return [
        f"{where} {text[:80]!r}" for text, _, where in texts(html) if ENGLISH_BRACKET.search(text)
    ]


@pytest.fixture
def world(site_pages, make_unit, make_official, django_capture_on_commit_callbacks, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from django.core.cache import cache

    cache.clear()
    roads = make_unit(name="县交通运输局")
    clerk = make_official(name="赵明远", unit=roads, post="科员")
    office = f.office()
    closed = f.case_closed(
        unit=roads,
        official=clerk,
        text="城东路灯不亮已经三个月，晚上出行很危险。",
        answer="已更换路灯二十盏。",
        measures="建立路灯巡查制度。",
        finding=Finding.TRUE,
        tier=HandlingTier.EARLY_SIGN,
        action=HandlingAction.TALK,
        actor=office,
    )
    with django_capture_on_commit_callbacks(execute=True):
        outcome = f.publish(closed, actor=office)
    for section, model, title, extra in (
        ("news", NewsPage, "十月份测评情况通报", {}),
        ("policies", PolicyPage, "投诉办理工作规范", {"issuer": "县效能办"}),
    ):
        site_pages[section].add_child(
            instance=model(
                title=title, date=date(2026, 11, 3), body="<p>正文</p>", live=True, **extra
            )
        )
    assert publication_services  # the real services published the outcome above
    return {"official": clerk, "outcome": outcome, "site": site_pages}


def _complaint(client, category, **extra):
    data = {
        "anonymous": "1",
        "subject_kind": "general",
        "category": category.pk,
        "text": "办事窗口工作人员态度恶劣。",
        "captcha_0": "x",
        "captcha_1": "PASSED",
    }
    return client.post("/complaints/new/", {**data, **extra})


def _pages(client, world):
    """(name, response) for every public page and form error."""
    from complaints.models import Category

    category = Category.objects.get(code="efficiency")
    site = world["site"]
    out = [
        ("home", client.get("/")),
        ("roster", client.get(site["officials"].url)),
        ("profile", client.get(world["official"].url)),
        ("complaint form", client.get("/complaints/new/")),
        ("rankings", client.get("/rankings/")),
        ("news", client.get(site["news"].url)),
        ("policies", client.get(site["policies"].url)),
        ("results", client.get("/results/")),
        ("result", client.get(f"/results/{world['outcome'].pk}/")),
        ("stats", client.get("/stats/")),
        ("transparency", client.get("/transparency/")),
        ("search", client.get("/search/", {"q": "路灯"})),
        ("404", client.get("/no-such-page/")),
        ("track form", client.get("/complaints/track/")),
        ("recover form", client.get("/complaints/recover/")),
        # form errors
        ("complaint errors", client.post("/complaints/new/", {"subject_kind": "official"})),
        ("rating errors", client.post(f"/rate/{world['official'].pk}/", {"level": ""}, follow=True)),
        ("track errors", client.post("/complaints/track/", {})),
        ("track wrong code", client.post("/complaints/track/", {"number": "TS20260101-0001", "code": "1" * 16})),
        ("recover errors", client.post("/complaints/recover/", {})),
    ]  # fmt: skip
    from complaints.models import Case

    receipt = _complaint(client, category)
    if receipt.status_code == 302:  # Post/Redirect/Get: the receipt is shown once after it
        receipt = client.get(receipt["Location"])
    out.append(("receipt", receipt))
    number, code = Case.objects.order_by("-id").first().number, receipt.context["receipt"].code
    opened = client.post("/complaints/track/", {"number": number, "code": code})
    assert opened.status_code == 302, opened.content.decode()[:500]
    out.append(("tracking page", client.get(opened["Location"])))
    return out


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_english_pages_have_no_chinese_outside_marked_data(client, world):
    _english(client)
    problems = {}
    for name, response in _pages(client, world):
        assert response.status_code < 500, name
        html = response.content.decode()
        assert '<html lang="en"' in html, name
        found = han_outside_chinese(html)
        if found:
            problems[name] = found[:15]
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_the_english_roster_has_no_chinese_outside_marked_data(
    client, world, site_pages, make_unit, make_official, settings
):
    settings.ROSTER_PER_PAGE = 2  # a pager and a jump list of two units
    make_official(name="钱多多", unit=make_unit(name="县财政局"), post="副局长")
    make_official(name="孙大圣", unit=world["official"].unit, post="科员")
    _english(client)
    for query in ("", "?page=2"):
        html = client.get(site_pages["officials"].url + query).content.decode()
        assert "Page " in html and "县财政局" in html
        assert han_outside_chinese(html) == [], query


def test_chinese_pages_have_no_english_brackets(client, world):
    problems = {}
    for name, response in _pages(client, world):
        assert response.status_code < 500, name
        found = english_brackets(response.content.decode())
        if found:
            problems[name] = found
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_the_checker_finds_what_it_looks_for():
    page = '<html lang="en"><p>Name: <span lang="zh-Hans">赵明远</span></p><p>验证码错误</p></html>'
    assert han_outside_chinese(page) == ["<p> '验证码错误'"]
    assert english_brackets("<p>验证码错误 (wrong captcha)</p>") and not english_brackets(
        "<p>内容摘要 (SHA-256)</p>"
    )
