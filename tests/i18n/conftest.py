"""The complaint desk's fixtures (categories, role accounts, clean outboxes) for these tests."""

from tests.complaints.conftest import _clean_outboxes, category, make_user, office_user  # noqa: F401
