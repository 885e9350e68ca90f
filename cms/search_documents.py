"""The content that site search finds: officials (name, unit, post, pinyin initials), news and
policies.

Only live pages are loaded, so an unpublished page drops out of the index on its next
(re)index. Registered in CmsConfig.ready().
"""

import html

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from search import api
from search.documents import DocType, Document


def _plain(rich_text: str) -> str:
    return html.unescape(strip_tags(rich_text or "")).strip()


def _officials(ids=None):
    from .models import OfficialPage

    qs = OfficialPage.objects.live().select_related("unit").order_by("pk")
    if ids is not None:
        qs = qs.filter(pk__in=[int(i) for i in ids if str(i).isdigit()])
    for page in qs.iterator(chunk_size=500):
        yield Document(
            id=str(page.pk),
            fields={
                "name": page.title,
                "unit": page.unit.name,
                "post": page.post,
                "work_in_charge": page.work_in_charge,
                "initials": page.name_initials,
                "pinyin": page.name_pinyin,
                "url": page.url,
                "meta": f"{page.unit.name} · {page.post}",
            },
        )


def _dated(model_name):
    """The loader of a dated section (news, policies): title, summary, body text, date."""

    def load(ids=None):
        from . import models

        qs = getattr(models, model_name).objects.live().order_by("pk")
        if ids is not None:
            qs = qs.filter(pk__in=[int(i) for i in ids if str(i).isdigit()])
        for page in qs.iterator(chunk_size=500):
            meta = page.date.isoformat() if page.date else ""
            if getattr(page, "issuer", ""):
                meta = f"{page.issuer} · {meta}" if meta else page.issuer
            yield Document(
                id=str(page.pk),
                fields={
                    "title": page.title,
                    "summary": getattr(page, "summary", ""),
                    "body": _plain(page.body),
                    "date": page.date,
                    "year": page.date.year if page.date else None,
                    "url": page.url,
                    "meta": meta,
                },
            )

    return load


def _count(model_name):
    def count():
        from . import models

        return getattr(models, model_name).objects.live().count()

    return count


OFFICIAL = DocType(
    name="official",
    text_fields=("name", "unit", "post", "work_in_charge", "initials", "pinyin"),
    facet_fields=("unit",),
    load=_officials,
    count=_count("OfficialPage"),
    label=_("测评对象"),
    site_search=True,
)
NEWS = DocType(
    name="news",
    text_fields=("title", "summary", "body"),
    facet_fields=("year",),
    date_field="date",
    load=_dated("NewsPage"),
    count=_count("NewsPage"),
    label=_("动态公告"),
    site_search=True,
)
POLICY = DocType(
    name="policy",
    text_fields=("title", "summary", "body"),
    facet_fields=("year",),
    date_field="date",
    load=_dated("PolicyPage"),
    count=_count("PolicyPage"),
    label=_("政策宣传"),
    site_search=True,
)


def register():
    api.register(OFFICIAL)
    api.register(NEWS)
    api.register(POLICY)
