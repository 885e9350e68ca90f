import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from portal.audit.hashing import GENESIS, first_break, link_hash
from portal.audit.models import AuditEvent
from portal.audit.services import audit_append


def test_a_chain_of_untouched_links_has_no_break():
    h1 = link_hash(GENESIS, {"a": 1})
    h2 = link_hash(h1, {"a": 2})
    assert first_break([(1, GENESIS, {"a": 1}, h1), (2, h1, {"a": 2}, h2)]) is None


def test_changed_content_is_the_first_break():
    h1 = link_hash(GENESIS, {"a": 1})
    h2 = link_hash(h1, {"a": 2})
    assert first_break([(1, GENESIS, {"a": 1}, h1), (2, h1, {"a": 3}, h2)]) == (
        2,
        "content does not match its hash",
    )


@pytest.mark.django_db
def test_events_chain_per_object_and_verify_audit_passes(unit):
    audit_append(chain="case:1", action="create", obj=unit, after={"state": "new"})
    second = audit_append(
        chain="case:1",
        action="assign",
        obj=unit,
        before={"state": "new"},
        after={"state": "assigned"},
    )
    audit_append(chain="case:2", action="create", obj=unit)
    assert second.seq == 2 and second.prev_hash != GENESIS
    call_command("verify_audit")


@pytest.mark.django_db
def test_verify_audit_names_an_event_edited_with_raw_sql(unit):
    audit_append(chain="case:9", action="create", obj=unit, after={"state": "new"})
    event = audit_append(chain="case:9", action="answer", obj=unit, after={"text": "已整改"})
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # an attacker with superuser rights
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [event.pk])
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
    with pytest.raises(CommandError, match=f"id={event.pk}"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_audit_events_cannot_be_changed_through_the_orm(unit):
    event = audit_append(chain="x", action="create", obj=unit)
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_postgresql_refuses_update_and_delete_of_audit_events(unit):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    from django.db import DatabaseError, transaction

    event = audit_append(chain="t", action="create", obj=unit)
    for sql in (
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "create"
