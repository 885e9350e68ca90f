# the statistics read the same published outcomes as the results pages: same fixtures
from tests.complaints.publication.conftest import _clean_cache, on_commit  # noqa: F401
