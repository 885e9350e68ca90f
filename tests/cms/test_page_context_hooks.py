"""Apps above cms add to its pages through Wagtail hooks, not a registry of cms' own."""

import pytest
from wagtail import hooks

from cms.models import OFFICIAL_PROFILE_CONTEXT

pytestmark = pytest.mark.django_db


def test_a_hook_registered_for_the_official_profile_adds_to_its_context(client, official):
    def extra(*, request, page):
        return {"extra_from_hook": page.pk}

    with hooks.register_temporarily(OFFICIAL_PROFILE_CONTEXT, extra):
        response = client.get(official.url)
    assert response.status_code == 200
    assert response.context["extra_from_hook"] == official.pk
    # evaluation's own provider is registered the same way (its wagtail_hooks.py)
    assert "rating_form" in response.context
