"""Issue 17: every record that moves a count, a score or a warning is in a hash chain.

An attacker with database access inserts, changes or deletes a revocation, an appeal, a
call-back, a unit violation, a warning or its handling with raw SQL; `verify_audit` must exit
non-zero naming the record (kind + id). An untouched database verifies clean.
"""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from portal.accounts import roles
from portal.evaluation.choices import ViolationKind, WarningActionKind
from portal.evaluation.models import (
    CallBack,
    OfficialWarning,
    RatingAppeal,
    RatingRevocation,
    UnitViolation,
    WarningAction,
)
from portal.evaluation.review import appeal_decide, appeal_file, rating_revoke
from portal.evaluation.scores import violation_record
from portal.evaluation.warnings import warning_action_record, warnings_compute

LOW = {"III": [1, 1], "II": [50, 500], "I": [90, 900]}
WHEN = "2026-01-05 08:00:00"


def raw(sql, params=()):
    """SQL as an attacker with the database owner's rights sends it: on PostgreSQL the
    append-only triggers (and foreign keys) are switched off for the statement."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def broken(match):
    with pytest.raises(CommandError, match=match):
        call_command("verify_audit", verbosity=0)


def last_pk(model):
    return model._base_manager.order_by("-pk").values_list("pk", flat=True).first()


@pytest.fixture
def office(make_user):
    return make_user(roles.OFFICE, username="office-seal")


@pytest.fixture
def world(official, rate, office):
    """One record of each kind, each made through its service."""
    bad = rate(official, level=2, reason="推诿扯皮")
    other_bad = rate(official, level=2, reason="态度生硬")
    good = rate(official, level=4)
    revocation = rating_revoke(rating=other_bad, actor=office, reason="恶意评价")
    appeal = appeal_file(rating=bad, appellant=office, grounds="当事人不在岗")
    appeal_decide(appeal=appeal, actor=office, revoke=False, reason="经核查属实")
    violation = violation_record(unit=official.unit, kind=ViolationKind.FORCED_GOOD, actor=office)
    with override_settings(WARNING_THRESHOLDS=LOW):
        warnings_compute()
    warning = OfficialWarning.objects.get(official=official, period_kind="month")
    action = warning_action_record(warning=warning, actor=office, kind=WarningActionKind.CAUTION)
    return {
        "official": official,
        "office": office,
        "bad": bad,
        "good": good,
        "revocation": revocation,
        "appeal": RatingAppeal.objects.get(pk=appeal.pk),
        "callback": CallBack.objects.get(rating=bad),
        "violation": violation,
        "warning": warning,
        "action": action,
    }


@pytest.mark.django_db
def test_an_untouched_database_verifies_clean(world):
    call_command("verify_audit", verbosity=0)


# --- revocations -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_revocation_inserted_with_raw_sql_is_named(world):
    raw(
        "INSERT INTO evaluation_ratingrevocation (rating_id, reason, actor_id, created_at) "
        "VALUES (%s, 'x', %s, %s)",
        [world["bad"].pk, world["office"].pk, WHEN],
    )
    broken(f"revocation id={last_pk(RatingRevocation)} has no audit-chain entry")


@pytest.mark.django_db
def test_a_revocation_moved_to_another_rating_is_named(world):
    raw(
        "UPDATE evaluation_ratingrevocation SET rating_id = %s WHERE id = %s",
        [world["bad"].pk, world["revocation"].pk],
    )
    broken(f"revocation id={world['revocation'].pk} content does not match")


@pytest.mark.django_db
def test_a_deleted_revocation_is_named(world):
    raw("DELETE FROM evaluation_ratingrevocation WHERE id = %s", [world["revocation"].pk])
    broken(f"revocation id={world['revocation'].pk} is in the audit chain but was removed")


# --- appeals and their decisions ---------------------------------------------------------


@pytest.mark.django_db
def test_an_appeal_inserted_with_raw_sql_is_named(world):
    raw(
        "INSERT INTO evaluation_ratingappeal (rating_id, appellant_id, grounds, status, "
        "created_at, decision_reason) VALUES (%s, %s, 'x', 'revoked', %s, '')",
        [world["good"].pk, world["office"].pk, WHEN],
    )
    broken(f"appeal id={last_pk(RatingAppeal)} has no audit-chain entry")


@pytest.mark.django_db
def test_an_appeal_decision_changed_with_raw_sql_is_named(world):
    raw("UPDATE evaluation_ratingappeal SET status = 'revoked' WHERE id = %s", [world["appeal"].pk])
    broken(f"appeal id={world['appeal'].pk} content does not match")


@pytest.mark.django_db
def test_a_deleted_appeal_is_named(world):
    raw("DELETE FROM evaluation_ratingappeal WHERE id = %s", [world["appeal"].pk])
    broken(f"appeal id={world['appeal'].pk} is in the audit chain but was removed")


# --- call-backs --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_callback_inserted_with_raw_sql_is_named(world):
    raw(
        "INSERT INTO evaluation_callback (rating_id, kind, due_at, created_at, note) "
        "VALUES (%s, 'sample', %s, %s, '')",
        [world["good"].pk, WHEN, WHEN],
    )
    broken(f"callback id={last_pk(CallBack)} has no audit-chain entry")


@pytest.mark.django_db
def test_a_callback_outcome_written_with_raw_sql_is_named(world):
    raw(
        "UPDATE evaluation_callback SET reached = %s, verified_true = %s WHERE id = %s",
        [True, False, world["callback"].pk],
    )
    broken(f"callback id={world['callback'].pk} content does not match")


@pytest.mark.django_db
def test_a_deleted_callback_is_named(world):
    raw("DELETE FROM evaluation_callback WHERE id = %s", [world["callback"].pk])
    broken(f"callback id={world['callback'].pk} is in the audit chain but was removed")


# --- unit violations (−10) -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_violation_inserted_with_raw_sql_is_named(world):
    raw(
        "INSERT INTO evaluation_unitviolation (unit_id, kind, note, occurred_on, actor_id, "
        "created_at) VALUES (%s, 'prying', '', '2026-01-05', %s, %s)",
        [world["official"].unit_id, world["office"].pk, WHEN],
    )
    broken(f"violation id={last_pk(UnitViolation)} has no audit-chain entry")


@pytest.mark.django_db
def test_a_violation_moved_to_last_year_is_named(world):
    raw(
        "UPDATE evaluation_unitviolation SET occurred_on = '2001-01-01' WHERE id = %s",
        [world["violation"].pk],
    )
    broken(f"violation id={world['violation'].pk} content does not match")


@pytest.mark.django_db
def test_a_deleted_violation_is_named(world):
    raw("DELETE FROM evaluation_unitviolation WHERE id = %s", [world["violation"].pk])
    broken(f"violation id={world['violation'].pk} is in the audit chain but was removed")


# --- warnings and their handling -----------------------------------------------------------


@pytest.mark.django_db
def test_a_warning_inserted_with_raw_sql_is_named(world):
    raw(
        "INSERT INTO evaluation_warning (official_id, level, period_kind, period_start, count, "
        "created_at) VALUES (%s, 'I', 'month', '2026-01-01', 99, %s)",
        [world["official"].pk, WHEN],
    )
    broken(f"warning id={last_pk(OfficialWarning)} has no audit-chain entry")


@pytest.mark.django_db
def test_a_warning_count_changed_with_raw_sql_is_named(world):
    raw("UPDATE evaluation_warning SET count = 0 WHERE id = %s", [world["warning"].pk])
    broken(f"warning id={world['warning'].pk} content does not match")


@pytest.mark.django_db
def test_a_deleted_warning_is_named(world):
    raw("DELETE FROM evaluation_warningaction WHERE warning_id = %s", [world["warning"].pk])
    raw("DELETE FROM evaluation_warning WHERE id = %s", [world["warning"].pk])
    broken(f"warning id={world['warning'].pk} is in the audit chain but was removed")


@pytest.mark.django_db
def test_warning_handling_inserted_with_raw_sql_is_named(world):
    raw(
        "INSERT INTO evaluation_warningaction (warning_id, kind, actor_id, done_at, minutes, "
        "note, created_at) VALUES (%s, 'admonish', %s, %s, '', '', %s)",
        [world["warning"].pk, world["office"].pk, WHEN, WHEN],
    )
    broken(f"warning-action id={last_pk(WarningAction)} has no audit-chain entry")


@pytest.mark.django_db
def test_warning_handling_changed_with_raw_sql_is_named(world):
    raw("UPDATE evaluation_warningaction SET kind = 'admonish' WHERE id = %s", [world["action"].pk])
    broken(f"warning-action id={world['action'].pk} content does not match")


@pytest.mark.django_db
def test_deleted_warning_handling_is_named(world):
    raw("DELETE FROM evaluation_warningaction WHERE id = %s", [world["action"].pk])
    broken(f"warning-action id={world['action'].pk} is in the audit chain but was removed")


# --- the chain entries themselves -----------------------------------------------------------


@pytest.mark.django_db
def test_removing_a_revocation_with_its_chain_entry_is_noticed(world):
    """Deleting the record and the last event of its chain leaves the chain head pointing at
    an event that is gone."""
    revocation = world["revocation"]
    raw("DELETE FROM evaluation_ratingrevocation WHERE id = %s", [revocation.pk])
    raw(
        "DELETE FROM audit_auditevent WHERE id = (SELECT MAX(id) FROM audit_auditevent "
        "WHERE chain = %s)",
        [f"rating-office:{world['official'].pk}"],
    )
    broken(f"rating-office:{world['official'].pk}")


@pytest.mark.django_db
def test_the_daily_digest_covers_call_back_entries(official, rate):
    """A 差评 opens a call-back; its entry moves the audit heads that the daily digest
    publishes (portal.reporting.transparency)."""
    from portal.audit.registry import chain_heads_digest

    before = chain_heads_digest()
    rate(official, level=2, reason="推诿扯皮")
    assert chain_heads_digest() != before


@pytest.mark.django_db
def test_records_from_before_the_seals_are_sealed_by_the_migration(world):
    """evaluation migration 0008 seals what an existing deployment already holds."""
    import importlib

    from django.apps import apps

    raw(
        "INSERT INTO evaluation_unitviolation (unit_id, kind, note, occurred_on, actor_id, "
        "created_at) VALUES (%s, 'prying', '', '2026-01-05', %s, %s)",
        [world["official"].unit_id, world["office"].pk, WHEN],
    )
    broken("violation id=")
    migration = importlib.import_module(
        "portal.evaluation.migrations.0008_seal_existing_office_records"
    )
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # re-run: nothing sealed twice
    call_command("verify_audit", verbosity=0)
