"""The model Warning became OfficialWarning: same table, same rows, content type renamed."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portal.evaluation.models import OfficialWarning

BEFORE = [("evaluation", "0004_rating_voter_slot")]
AFTER = [("evaluation", "0005_rename_warning_officialwarning")]


def test_the_renamed_model_keeps_its_table():
    assert OfficialWarning._meta.db_table == "evaluation_warning"
    assert OfficialWarning._meta.label == "evaluation.OfficialWarning"


@pytest.mark.django_db(transaction=True)  # SQLite's schema editor refuses an open transaction
def test_the_rename_migration_runs_no_sql(capsys):
    call_command("sqlmigrate", "evaluation", "0005")
    statements = [
        line
        for line in capsys.readouterr().out.splitlines()
        if line.strip() and not line.startswith("--") and line.strip() not in {"BEGIN;", "COMMIT;"}
    ]
    assert statements == []


@pytest.mark.django_db(transaction=True)
def test_existing_warnings_and_their_content_type_survive_the_rename(official):
    # through the migrate command, as a deployment runs it: its pre_migrate signal is what
    # renames content types
    call_command("migrate", *BEFORE[0], verbosity=0)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    OldWarning = old.get_model("evaluation", "Warning")
    OldWarning.objects.create(
        official_id=official.pk,
        level="III",
        period_kind="month",
        period_start="2026-03-01",
        count=10,
        created_at="2026-03-20T08:00:00Z",
    )
    ContentType.objects.filter(app_label="evaluation", model="officialwarning").delete()
    ct = ContentType.objects.get_or_create(app_label="evaluation", model="warning")[0]
    ContentType.objects.clear_cache()

    call_command("migrate", *AFTER[0], verbosity=0)
    ContentType.objects.clear_cache()
    try:
        assert OfficialWarning.objects.get(official_id=official.pk).count == 10
        ct.refresh_from_db()
        assert ct.model == "officialwarning"
        assert ContentType.objects.get_for_model(OfficialWarning).pk == ct.pk
    finally:
        # back to the latest migration: a later test needs the tables added after 0005
        call_command("migrate", "evaluation", verbosity=0)
