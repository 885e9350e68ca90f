"""seed_demo builds the Nanfeng-sized county and running it again changes nothing."""

import pytest
from django.apps import apps
from django.core.management import call_command

from cms.models import OfficialPage, Unit
from portal.accounts import roles
from portal.accounts.models import User


def _row_counts():
    skip = {"sessions.session", "wagtailcore.modellogentry", "wagtailcore.referenceindex"}
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label_lower not in skip and not model._meta.proxy
    }


@pytest.mark.django_db(transaction=True)
def test_seed_demo_is_nanfeng_sized_and_idempotent():
    call_command("seed_demo")
    assert Unit.objects.count() == 40
    assert OfficialPage.objects.live().count() == 470
    assert User.objects.filter(groups__name=roles.MONITOR).count() == 70
    assert User.objects.filter(groups__name=roles.DEPARTMENT, unit__isnull=False).count() == 40
    first = _row_counts()
    call_command("seed_demo")
    assert _row_counts() == first
