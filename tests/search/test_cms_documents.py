"""Officials and news are searchable, and follow publish / unpublish / delete after commit."""

from datetime import date

import pytest
from django.core.management import call_command

from cms.models import NewsPage
from cms.services import unit_upsert
from search import api


def ids(results):
    return [hit.id for hit in results.hits]


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what is queued after commit (the tests' transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_an_official_is_found_by_name_unit_post_and_pinyin_initials(
    make_official, make_unit, commit
):
    unit = make_unit(name="县市场监督管理局")
    with commit():
        official = make_official(name="张伟丽", unit=unit, post="副局长")
        make_official(name="李强", post="科员")
    for q in ("张伟丽", "市场监督", "副局长", "zwl", "zhangweili"):
        assert ids(api.search("official", q)) == [str(official.pk)], q
    hit = api.search("official", "张伟丽").hits[0]
    assert hit.fields["url"] == official.url
    assert "<mark>张伟丽</mark>" in hit.title


def test_a_renamed_unit_is_found_on_its_officials(make_official, make_unit, commit):
    unit = make_unit(name="县交通局")
    with commit():
        official = make_official(name="王芳", unit=unit)
    with commit():
        unit_upsert(name="县交通局", short_name="交通")  # unchanged name: nothing to do
        unit.name = "县交通运输局"
        unit.save()
    assert ids(api.search("official", "交通运输局")) == [str(official.pk)]


def test_unpublished_and_deleted_pages_leave_the_index(make_official, site_pages, commit):
    with commit():
        official = make_official(name="赵敏")
        news = site_pages["news"].add_child(
            instance=NewsPage(
                title="夜间施工噪音整治",
                slug="noise",
                date=date(2026, 10, 1),
                body="<p>工地<b>噪音</b>扰民问题已整改。</p>",
                live=True,
            )
        )
    assert ids(api.search("news", "噪音")) == [str(news.pk)]
    assert "<b>" not in api.search("news", "噪音").hits[0].snippet
    with commit():
        official.unpublish()
    assert ids(api.search("official", "赵敏")) == []
    with commit():
        news.delete()
    assert ids(api.search("news", "噪音")) == []


def test_search_reindex_rebuilds_officials_and_news(make_official, site_pages, capsys):
    official = make_official(name="孙丽")  # no commit: not indexed yet
    assert ids(api.search("official", "孙丽")) == []
    call_command("search_reindex", "official", "news")
    assert ids(api.search("official", "孙丽")) == [str(official.pk)]
    assert "official: 1" in capsys.readouterr().out


def test_search_reindex_refuses_an_unknown_type(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="未知的文档类型"):
        call_command("search_reindex", "nope")
