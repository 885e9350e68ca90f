"""Indexing jobs: ids only, idempotent, queued through the outbox (search.api.index_on_commit)."""

from celery import shared_task

from .backends import SearchUnavailable


@shared_task(
    autoretry_for=(SearchUnavailable,), retry_backoff=30, retry_backoff_max=600, max_retries=8
)
def search_index_task(*, doc_type: str, ids: list[str]):
    from .indexing import index_ids

    index_ids(doc_type, ids)


@shared_task(
    autoretry_for=(SearchUnavailable,), retry_backoff=30, retry_backoff_max=600, max_retries=8
)
def search_remove_task(*, doc_type: str, ids: list[str]):
    from .indexing import remove

    remove(doc_type, ids)
