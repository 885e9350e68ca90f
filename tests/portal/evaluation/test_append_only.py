"""Ratings and revocations cannot be changed: ORM, queryset, PostgreSQL trigger, hash chain."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from portal.evaluation.models import AppendOnlyError, Rating, RatingRevocation
from portal.evaluation.sealing import ratings_seal
from portal.evaluation.services import rating_revoke

pytestmark = pytest.mark.django_db


def test_a_rating_cannot_be_saved_again_or_deleted(official, rate):
    rating = rate(official)
    rating.level = 2
    with pytest.raises(AppendOnlyError):
        rating.save()
    with pytest.raises(AppendOnlyError):
        rating.delete()
    assert Rating.objects.get(pk=rating.pk).level == 4


def test_ratings_cannot_be_updated_or_deleted_in_bulk(official, rate):
    rate(official)
    with pytest.raises(AppendOnlyError):
        Rating.objects.all().update(level=2)
    with pytest.raises(AppendOnlyError):
        Rating.objects.filter(official=official).delete()


def test_a_revocation_cannot_be_changed(official, rate, office_user):
    revocation = rating_revoke(rating=rate(official, level=2), actor=office_user, reason="恶意")
    with pytest.raises(AppendOnlyError):
        revocation.delete()
    with pytest.raises(AppendOnlyError):
        RatingRevocation.objects.all().update(reason="x")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE evaluation_rating SET level = 4 WHERE id = %s",
        "DELETE FROM evaluation_rating WHERE id = %s",
    ],
)
def test_postgresql_trigger_refuses_raw_update_and_delete(official, rate, sql):
    rating = rate(official, level=2)
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [rating.pk])
    assert Rating.objects.get(pk=rating.pk).level == 2


def _raw_edit(sql, params):
    """Tamper as an attacker with database access would; on PostgreSQL the trigger must be
    bypassed first (session_replication_role = replica skips ordinary triggers)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = replica")
        cur.execute(sql, params)
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = origin")


def test_verify_audit_passes_on_untouched_rating_chains(official, make_official, rate):
    for _ in range(3):
        rate(official)
    rate(make_official())
    call_command("verify_audit")


def test_verify_audit_names_the_first_rating_edited_with_raw_sql(official, rate):
    rate(official)
    edited = rate(official, level=2)
    rate(official)
    ratings_seal()
    _raw_edit("UPDATE evaluation_rating SET level = 4 WHERE id = %s", [edited.pk])
    with pytest.raises(CommandError, match=f"rating id={edited.pk} content"):
        call_command("verify_audit")


def test_verify_audit_notices_a_deleted_last_rating(official, rate):
    rate(official)
    last = rate(official)
    ratings_seal()
    _raw_edit("DELETE FROM evaluation_rating WHERE id = %s", [last.pk])
    with pytest.raises(CommandError, match=f"official {official.pk}: chain head"):
        call_command("verify_audit")


def test_verify_audit_notices_a_deleted_middle_rating(official, rate):
    rate(official)
    middle = rate(official)
    after = rate(official)
    ratings_seal()
    _raw_edit("DELETE FROM evaluation_rating WHERE id = %s", [middle.pk])
    with pytest.raises(CommandError, match=f"rating id={after.pk} previous-hash"):
        call_command("verify_audit")
