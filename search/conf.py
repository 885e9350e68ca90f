"""Search settings with their defaults (portal/settings: SEARCH_*)."""

from pathlib import Path

from django.conf import settings

_DEFAULTS = {
    "SEARCH_BACKEND": "search.backends.database",
    "SEARCH_INDEX_PREFIX": "portal",
    # totals and facet counts stop at this many matches ("1000+"): exact counts over frequent
    # words cost 200–400 ms when measured on these machines
    "SEARCH_TOTAL_CAP": 1000,
    # PostgreSQL: before asking the GIN index, look for cap + 1 matches among this many rows
    # when the statistics say a word is frequent (0 turns it off)
    "SEARCH_COUNT_WINDOW": 30000,
    "SEARCH_MAX_PER_PAGE": 50,
    "SEARCH_SNIPPET_CHARS": 120,
    "SEARCH_USER_DICT": str(Path(__file__).with_name("userdict.txt")),
    # Elasticsearch: analyzer of the text fields ("smartcn" or "ik_max_word"/"ik_smart")
    "SEARCH_ES_ANALYZER": "smartcn",
    "SEARCH_ES_SEARCH_ANALYZER": "",
    "SEARCH_ES_TIMEOUT": 5,
    # after a failed call, go straight to the database fallback for this many seconds
    "SEARCH_ES_RETRY_SECONDS": 30,
}


def get(name):
    return getattr(settings, name, _DEFAULTS[name])
