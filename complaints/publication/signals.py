"""Signal handler: keep the search index honest when a closed case's publication decision
changes. (The statistics cache version lives with its reader, portal.reporting.signals.)
Connected in PublicationConfig.ready() with a lazy model label.
"""

from django.db.models.signals import post_save


def reindex_on_case_save(sender, instance, **kwargs):
    """A closed case's publication decision may change after its outcome went out (不公开):
    reload its outcome in the search index after commit; the loader drops what is not public."""
    if instance.state != "closed":
        return
    from search import api as search_api

    from .models import PublishedOutcome
    from .search_documents import DOC_TYPE

    ids = list(PublishedOutcome.objects.filter(case_id=instance.pk).values_list("pk", flat=True))
    if ids:
        search_api.index_on_commit(DOC_TYPE, ids)


def connect():
    post_save.connect(
        reindex_on_case_save,
        sender="complaints.Case",
        dispatch_uid="publication-reindex-on-case-save",
    )
