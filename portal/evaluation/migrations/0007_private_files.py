"""Month-end report files and warning-talk minutes move to private storage (issue 14).

Both fields now store into portal.core.storage.private_storage (outside MEDIA_ROOT, which
nginx serves at /media/) under "reports/<uuid4 hex>.<ext>" and "warnings/<uuid4 hex>.<ext>".

Existing files: a data step in this migration (chosen over a management command so that no
deployment can forget it) copies every file still under MEDIA_ROOT into private storage
under a new random name, points the row at it and deletes the public copy. The old name is
kept nowhere (it named the month or, for minutes, the person). A row whose file is missing
on disk is left as it is and reported. Minutes kept before content checks are moved as they
are; the view serves an unknown type only as an opaque download.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage
from django.db import migrations, models

import portal.core.storage


def _move(field, prefix, public, private, missing):
    old = field.name
    if not old or not public.exists(old):
        if old and not private.exists(old):
            missing.append(old)
        return False
    ext = PurePath(old).suffix.lower().lstrip(".")
    ext = ext if ext.isalnum() and len(ext) <= 5 else "bin"
    with public.open(old, "rb") as fh:
        new = private.save(f"{prefix}/{uuid.uuid4().hex}.{ext}", File(fh))
    field.name = new
    return old


def move_to_private(apps, schema_editor):
    public = FileSystemStorage(location=str(settings.MEDIA_ROOT))
    private = portal.core.storage.private_storage()
    missing = []
    done = []
    for model, attr, prefix in (
        ("MonthlyReportFile", "file", "reports"),
        ("WarningAction", "minutes", "warnings"),
    ):
        for row in apps.get_model("evaluation", model).objects.exclude(**{attr: ""}):
            old = _move(getattr(row, attr), prefix, public, private, missing)
            if old:
                row.save(update_fields=[attr])
                done.append(old)
    # the public copies go only after every row points at its private copy
    for old in done:
        public.delete(old)
    if missing:
        print(f"\n  evaluation 0006: {len(missing)} file(s) missing on disk, rows left unchanged")


class Migration(migrations.Migration):

    dependencies = [
        ("evaluation", "0006_contact_key_rotation"),
    ]

    operations = [
        migrations.AlterField(
            model_name="monthlyreportfile",
            name="file",
            field=models.FileField(
                storage=portal.core.storage.private_storage,
                upload_to=portal.core.storage.RandomName("reports"),
            ),
        ),
        migrations.AlterField(
            model_name="warningaction",
            name="minutes",
            field=models.FileField(
                blank=True,
                storage=portal.core.storage.private_storage,
                upload_to=portal.core.storage.RandomName("warnings"),
                verbose_name="谈话记录",
            ),
        ),
        migrations.RunPython(move_to_private, migrations.RunPython.noop),
    ]
