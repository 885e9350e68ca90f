from datetime import UTC, datetime

from django.db import models

NO_DATE = datetime(1970, 1, 1, tzinfo=UTC)


class SearchDocument(models.Model):
    """One document in the database backend's index (any document type).

    The full-text index lives beside it and is created by migration 0001 per database:
    SQLite: an FTS5 table `search_fts` (rowid = id) over `segmented`; PostgreSQL: a generated
    column `search_vector` = to_tsvector('simple', segmented) with a GIN index.
    """

    doc_type = models.CharField(max_length=50)
    doc_id = models.CharField(max_length=64)
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # jieba words joined by spaces (search.segment.index_text)
    segmented = models.TextField(blank=True)
    facets = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # documents without a date carry NO_DATE (1970), so one plain index serves "newest first"
    published_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "doc_id"], name="search_doc_unique")
        ]
        indexes = [
            models.Index(fields=["doc_type", "published_at", "id"], name="search_doc_recent")
        ]

    def __str__(self):
        return f"{self.doc_type}:{self.doc_id}"
