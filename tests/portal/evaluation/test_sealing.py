"""Ratings chained after the request (issue 18): one INSERT on the hot path, the sealer, the MAC
that guards the unsealed window, the bound verify_audit holds the sealer to, and the trigger's
one narrow seal UPDATE."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.evaluation import services
from portal.evaluation.choices import Channel
from portal.evaluation.models import Rating, RatingChainHead
from portal.evaluation.sealing import rating_mac, ratings_seal, unsealed_problems

pytestmark = pytest.mark.django_db

GOOD = services.RatingData(level=4, attitude=4, efficiency=5, style=4)


def submit(official, voter):
    return services.rating_submit(official=official, data=GOOD, channel=Channel.WEB, voter=voter)


def _statements(queries):
    return [q["sql"] for q in queries if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))]


def test_an_anonymous_rating_costs_one_insert_and_no_lock(official):
    submit(official, "first")  # the official's first rating, like every other: no head needed
    with CaptureQueriesContext(connection) as ctx:
        rating = submit(official, "second")
    statements = _statements(ctx.captured_queries)
    assert len(statements) == 1 and statements[0].upper().startswith("INSERT")
    assert "FOR UPDATE" not in " ".join(q["sql"] for q in ctx.captured_queries).upper()
    stored = Rating.objects.get(pk=rating.pk)
    assert (stored.seq, stored.prev_hash, stored.hash) == (None, "", "")
    assert stored.mac == rating_mac(stored)


def test_the_sealer_chains_each_officials_new_ratings_once_in_order(official, make_official):
    other = make_official()
    mine = [submit(official, f"v{i}") for i in range(3)]
    theirs = submit(other, "v0")
    assert ratings_seal() == {"sealed": 4, "refused": []}
    assert ratings_seal() == {"sealed": 0, "refused": []}  # nothing twice
    rows = list(Rating.objects.filter(official=official).order_by("seq"))
    assert [r.pk for r in rows] == [r.pk for r in mine] and [r.seq for r in rows] == [1, 2, 3]
    assert rows[0].prev_hash == "0" * 64 and rows[1].prev_hash == rows[0].hash
    assert RatingChainHead.objects.get(official=official).head_hash == rows[-1].hash
    assert Rating.objects.get(pk=theirs.pk).seq == 1
    later = submit(official, "v9")
    ratings_seal()
    assert Rating.objects.get(pk=later.pk).prev_hash == rows[-1].hash
    call_command("verify_audit", verbosity=0)


def _raw(sql, params):
    """As someone holding the database (the trigger bypassed on PostgreSQL)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = replica")
        cur.execute(sql, params)
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = origin")


def _forged_insert(official, *, mac):
    now = timezone.now()
    _raw(
        "INSERT INTO evaluation_rating (official_id, unit_id, level, reason, anonymous, channel, "
        "voter_key, network_key, month, voter_slot, created_at, prev_hash, hash, mac) "
        "VALUES (%s, %s, 1, '刷差评', %s, 'web', 'forged', '', %s, 1, %s, '', '', %s)",
        [official.pk, official.unit_id, True, now.date().replace(day=1), now, mac],
    )
    return Rating.objects.get(voter_key="forged")


@pytest.mark.parametrize("mac", ["", "0" * 64], ids=["no mac", "made-up mac"])
def test_a_rating_inserted_with_raw_sql_is_never_sealed_and_verify_audit_names_it(official, mac):
    """The attack: insert an unsealed 不满意 and let the sealer chain it as if it were ours."""
    submit(official, "real")
    forged = _forged_insert(official, mac=mac)
    assert ratings_seal()["refused"] == [forged.pk]
    assert Rating.objects.get(pk=forged.pk).hash == ""  # left out of the chain
    with pytest.raises(CommandError, match=f"rating id={forged.pk} unsealed and its MAC"):
        call_command("verify_audit", verbosity=0)


def test_an_unsealed_rating_edited_with_raw_sql_is_named(official):
    rating = submit(official, "real")
    _raw("UPDATE evaluation_rating SET level = 1 WHERE id = %s", [rating.pk])
    assert ratings_seal()["refused"] == [rating.pk]
    with pytest.raises(CommandError, match=f"rating id={rating.pk} unsealed"):
        call_command("verify_audit", verbosity=0)


def test_a_rating_left_unsealed_past_the_bound_is_reported(official, settings):
    rating = submit(official, "real")
    assert unsealed_problems() == []
    later = timezone.now() + timedelta(seconds=settings.RATING_SEAL_MAX_DELAY_SECONDS + 1)
    (problem,) = unsealed_problems(now=later)
    assert f"rating id={rating.pk} left unsealed past the" in problem


def test_verify_audit_fails_while_the_sealer_is_behind_then_seals(official, settings):
    rating = submit(official, "real")
    settings.RATING_SEAL_MAX_DELAY_SECONDS = -1  # every unsealed row is overdue
    with pytest.raises(CommandError, match=f"rating id={rating.pk} left unsealed"):
        call_command("verify_audit", verbosity=0)
    assert Rating.objects.get(pk=rating.pk).seq == 1  # and it sealed them on the way
    settings.RATING_SEAL_MAX_DELAY_SECONDS = 10
    call_command("verify_audit", verbosity=0)


def test_the_beat_schedule_runs_the_sealer_within_the_bound(settings):
    from portal.celery import app

    entry = app.conf.beat_schedule["ratings-seal"]
    assert entry["task"] == "portal.evaluation.tasks.ratings_seal_task"
    assert float(entry["schedule"]) < settings.RATING_SEAL_MAX_DELAY_SECONDS


def test_the_seal_task_seals(official):
    from portal.evaluation.tasks import ratings_seal_task

    rating = submit(official, "real")
    ratings_seal_task.apply()
    assert Rating.objects.get(pk=rating.pk).seq == 1


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)


@postgres_only
@pytest.mark.parametrize(
    "setup, sql",
    [
        ("", "UPDATE evaluation_rating SET seq = 1, prev_hash = %s, hash = %s WHERE id = %s"),
        (
            "SET LOCAL portal.rating_seal = 'on'",
            "UPDATE evaluation_rating SET seq = 1, prev_hash = %s, hash = %s, level = 1 "
            "WHERE id = %s",
        ),
    ],
    ids=["seal without the flag", "seal that also changes the level"],
)
def test_the_trigger_lets_only_the_flagged_seal_update_through(official, setup, sql):
    rating = submit(official, "real")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cur:
            if setup:
                cur.execute(setup)
            cur.execute(sql, ["0" * 64, "a" * 64, rating.pk])
    assert Rating.objects.get(pk=rating.pk).hash == ""


@postgres_only
def test_the_trigger_refuses_any_update_of_a_sealed_rating_even_flagged(official):
    rating = submit(official, "real")
    ratings_seal()
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL portal.rating_seal = 'on'")
            cur.execute(
                "UPDATE evaluation_rating SET seq = 7, prev_hash = %s, hash = %s WHERE id = %s",
                ["0" * 64, "b" * 64, rating.pk],
            )
