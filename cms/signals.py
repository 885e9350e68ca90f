"""Keep the search index in step with content: ids are queued after the commit, and the
loaders in cms.search_documents decide what is public (live pages only)."""

from search import api

from .search_documents import NEWS, OFFICIAL, POLICY


def _doc_type_of(instance):
    from .models import NewsPage, OfficialPage, PolicyPage

    for model, doc_type in ((OfficialPage, OFFICIAL), (NewsPage, NEWS), (PolicyPage, POLICY)):
        if isinstance(instance, model):
            return doc_type.name
    return None


def index_on_save(sender, instance, **kwargs):
    """Saved, published or unpublished: reindexing by id adds or removes it as its state says."""
    name = _doc_type_of(instance)
    if name and instance.pk:
        api.index_on_commit(name, [instance.pk])


def remove_on_delete(sender, instance, **kwargs):
    name = _doc_type_of(instance)
    if name and instance.pk:
        api.remove_on_commit(name, [instance.pk])


def index_officials_on_unit_save(sender, instance, created, **kwargs):
    """A unit's new name must be findable on its officials."""
    if created:
        return
    ids = list(instance.officials.values_list("pk", flat=True))
    if ids:
        api.index_on_commit(OFFICIAL.name, ids)


def connect():
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished

    from .models import NewsPage, OfficialPage, PolicyPage, Unit

    for model in (OfficialPage, NewsPage, PolicyPage):
        post_save.connect(index_on_save, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(
            remove_on_delete, sender=model, dispatch_uid=f"search-delete-{model.__name__}"
        )
        page_published.connect(
            index_on_save, sender=model, dispatch_uid=f"search-publish-{model.__name__}"
        )
        page_unpublished.connect(
            index_on_save, sender=model, dispatch_uid=f"search-unpublish-{model.__name__}"
        )
    post_save.connect(index_officials_on_unit_save, sender=Unit, dispatch_uid="search-unit-save")
