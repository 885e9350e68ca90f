"""Shared fixtures: the site structure, units and officials made through the real services."""

import itertools

import pytest

from cms.models import Gender, OfficialRank, UnitKind
from cms.services import OfficialData, official_upsert, site_structure_ensure, unit_upsert

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's language: a request that switched to English leaves
    English active in the test thread, and the next test must not inherit it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def site_pages(db):
    return site_structure_ensure()


@pytest.fixture
def roster(site_pages):
    return site_pages["officials"]


@pytest.fixture
def make_unit(db):
    def make(name=None, kind=UnitKind.WINDOW, latitude="27.218000", longitude="116.533000", **kw):
        unit, _ = unit_upsert(
            name=name or f"测试单位{next(_seq)}",
            kind=kind,
            latitude=latitude,
            longitude=longitude,
            **kw,
        )
        return unit

    return make


@pytest.fixture
def make_official(roster, make_unit):
    def make(name=None, unit=None, gender=Gender.MALE, post="科长", **kw):
        n = next(_seq)
        data = OfficialData(
            name=name or f"测试{n}",
            gender=gender,
            unit=unit or make_unit(),
            post=post,
            rank=kw.pop("rank", OfficialRank.SECTION),
            **kw,
        )
        page, _ = official_upsert(data=data, roster=roster)
        return page

    return make


@pytest.fixture
def unit(make_unit):
    return make_unit(name="县政务服务中心")


@pytest.fixture
def official(make_official, unit):
    return make_official(name="张伟丽", unit=unit, gender=Gender.FEMALE, post="主任")
