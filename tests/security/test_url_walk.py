"""Every URL of ours, every converter and the usual query parameters filled with hostile values,
as anonymous, office, department and leader: no 5xx anywhere (issue 15).

The attack: junk in a path or a query parameter (-1, 0, twenty digits, 2026-02-30, full-width
digits, ², 5,000 characters, NUL) reaches a date(), an int() or the database and the page
answers 500 — a crash log for every bot and, for some, a timing or stack-trace oracle. The
URLconf is walked, so a new URL is covered the day it is added."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

OURS = ("portal.", "cms.", "complaints.", "search.")
INTS = ["0", "9" * 20, "2147483648"]
STRS = ["-1", "2026-02-30", "２０２６", "²", "x" * 5000, "a.b"]
QUERY_VALUES = ["-1", "0", "9" * 20, "2026-02-30T10:00", "2026-13-45", "２０２６", "²", "x" * 5000]
QUERY_NAMES = ["year", "page", "unit", "official", "start_date", "end_date", "q", "month"]
ROLES = ["anonymous", "office", "dept_a", "leader"]
CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^)]*)\)")


def _walk(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            module = getattr(entry.callback, "__module__", "") or ""
            if module.startswith(OURS):
                yield prefix + str(entry.pattern)


def _route_to_template(route: str) -> str | None:
    """A route (`path()` syntax, or a simple regex) as a template with {kind} holes."""
    if route.startswith("^") or "(?P<" in route:
        route = route.lstrip("^").rstrip("$").replace("\\.", ".")
        route = GROUP.sub(lambda m: m["body"].split("|")[0] if "|" in m["body"] else "{str}", route)
        if re.search(r"[\\()\[\]*+?$^]", route):
            return None
        return "/" + route
    return "/" + CONVERTER.sub(lambda m: "{" + (m["kind"] or "str") + "}", route)


def _paths(template: str):
    """The template with its holes filled: valid-looking ids first, then each hostile value."""
    kinds = re.findall(r"\{(\w+)\}", template)
    base = {
        "int": "1",
        "str": "1",
        "slug": "x",
        "path": "x",
        "uuid": "00000000-0000-0000-0000-000000000000",
    }

    def fill(value_for):
        out = template
        for kind in kinds:
            out = out.replace("{" + kind + "}", value_for(kind), 1)
        return out

    yield fill(lambda k: base.get(k, "1"))
    for kind in set(kinds):
        for value in INTS if kind in ("int", "id") else STRS:
            yield fill(lambda k, v=value, t=kind: v if k == t else base.get(k, "1"))


def _urls():
    seen = set()
    for route in _walk():
        template = _route_to_template(route)
        if template is None or template in seen:
            continue
        seen.add(template)
        paths = list(_paths(template))
        yield from paths
        for value in QUERY_VALUES:
            yield paths[0] + "?" + "&".join(f"{n}={value}" for n in QUERY_NAMES)
        yield paths[0] + "?q=%00&year=%00"


def test_the_walk_covers_the_urlconf():
    templates = {_route_to_template(r) for r in _walk()}
    assert "/rankings/" in templates
    assert any(t and t.startswith("/office/evaluation/reports/") for t in templates)
    assert any(t and "open311/v2/requests" in t for t in templates)
    assert len(templates) > 60


@pytest.mark.parametrize("role", ROLES)
def test_no_url_answers_5xx_to_hostile_values(world, role):
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world["users"][role])
    failures = []
    for url in _urls():
        # a hostile query string is sent with GET only: POST handlers read their body, which
        # test_form_walk fills with the same values; every hostile path is sent both ways
        for method in ("get",) if "?" in url else ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {url[:120]} → {response.status_code}")
    assert not failures, "\n".join(failures[:60])
