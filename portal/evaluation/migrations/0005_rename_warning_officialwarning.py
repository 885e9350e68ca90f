"""The model Warning becomes OfficialWarning (the old name shadowed the builtin).

The table keeps its name: AlterModelTable pins db_table to the table the model always had (a
no-op in the database), so the RenameModel that follows changes only the migration state and
renames the content type (evaluation.warning -> evaluation.officialwarning); no SQL runs."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("evaluation", "0004_rating_voter_slot"),
    ]

    operations = [
        migrations.AlterModelTable(name="warning", table="evaluation_warning"),
        migrations.RenameModel(old_name="Warning", new_name="OfficialWarning"),
    ]
