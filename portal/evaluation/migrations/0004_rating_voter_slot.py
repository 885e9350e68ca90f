"""The monthly limit (RATINGS_PER_VOTER_PER_OFFICIAL_PER_MONTH) enforced by a unique constraint
on (official, voter_key, month, voter_slot): a rating no longer needs a count query first.

Ratings stored while the limit was above 1 can share (official, voter_key, month): they are
numbered 1…n in chain order before the constraint is added. voter_slot is not part of the
hashed payload, so the chains stay valid. The column keeps a database default of 1, so bulk
SQL loads that do not name it (bench/warnings_bench.py) still insert. The index on (official, voter_key, month) is a prefix
of the constraint's index and goes."""

from django.db import migrations, models
from django.db.models import Count


def number_earlier_duplicates(apps, schema_editor):
    Rating = apps.get_model("evaluation", "Rating")
    groups = (Rating.objects.values("official_id", "voter_key", "month")
              .annotate(n=Count("id")).filter(n__gt=1))
    if not groups.exists():
        return
    connection = schema_editor.connection
    table = Rating._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":  # the append-only trigger (0002) refuses UPDATE
            cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        for group in groups.iterator():
            ids = (Rating.objects.filter(official_id=group["official_id"],
                                         voter_key=group["voter_key"], month=group["month"])
                   .order_by("seq").values_list("id", flat=True))
            for slot, pk in enumerate(list(ids)[1:], start=2):
                cur.execute(f"UPDATE {table} SET voter_slot = %s WHERE id = %s", [slot, pk])
        if connection.vendor == "postgresql":
            cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0001_initial'),
        ('evaluation', '0003_rating_network_key'),
    ]

    operations = [
        migrations.AddField(
            model_name='rating',
            name='voter_slot',
            field=models.PositiveSmallIntegerField(db_default=1, default=1),
        ),
        migrations.RunPython(number_earlier_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='rating',
            constraint=models.UniqueConstraint(
                fields=('official', 'voter_key', 'month', 'voter_slot'),
                name='rating_voter_month_slot'),
        ),
        migrations.RemoveIndex(
            model_name='rating',
            name='evaluation__officia_04ea9e_idx',
        ),
    ]
