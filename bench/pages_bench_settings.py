"""Settings of bench/pages_bench.py only: production's, plus the bare views of
pages_bench_urls (outside the page cache, so the baseline is a bare Django view, not a hit).
Nothing outside bench/ imports this; the deployed site has no /bench/ URL."""

from portal.settings.production import *  # noqa: F403
from portal.settings.production import PAGE_CACHE_EXCLUDE

ROOT_URLCONF = "pages_bench_urls"
PAGE_CACHE_EXCLUDE = (*PAGE_CACHE_EXCLUDE, "/bench/")
