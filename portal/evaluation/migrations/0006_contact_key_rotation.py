"""Key rotation may rewrite a rating contact's ciphertext, and nothing else.

The append-only trigger of migration 0002 refused every UPDATE on evaluation_ratingcontact, so
a retired encryption key could never be dropped (the contacts would become unreadable). The
contact table gets its own trigger function: an UPDATE passes only inside a transaction that
ran `SET LOCAL portal.key_rotation = 'on'` (RatingContact.tokens_rewrite) and only when the id,
rating and name are unchanged; DELETE is still refused. Ratings and revocations keep 0002's.
"""

from django.db import migrations

TABLE = "evaluation_ratingcontact"

FUNCTION = """
CREATE OR REPLACE FUNCTION evaluation_contact_rotate_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND coalesce(current_setting('portal.key_rotation', true), '') = 'on'
       AND NEW.id = OLD.id AND NEW.rating_id = OLD.rating_id AND NEW.name = OLD.name THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # "%" in RAISE is not a placeholder
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION evaluation_contact_rotate_only()"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION evaluation_append_only()"
    )
    schema_editor.execute("DROP FUNCTION IF EXISTS evaluation_contact_rotate_only()")


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0005_rename_warning_officialwarning")]

    operations = [migrations.RunPython(forwards, backwards)]
