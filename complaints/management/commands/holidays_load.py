"""holidays_load FILE: load the State Council's holiday arrangement into the office's calendar.

FILE is a UTF-8 CSV of `date,kind,name[,notice]` lines (kind `holiday` or `workday`, a header
line is allowed). Every line is checked first; one bad line and nothing is stored. Loading
the same file again changes nothing.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Load holidays and make-up working days (date,kind,name[,notice]) from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        from complaints.services.workflow.holidays import holiday_rows_parse, holidays_load

        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("无法读取文件 %(f)s：%(e)s") % {"f": file, "e": exc.strerror}
            ) from exc
        try:
            rows = holiday_rows_parse(data)
            counts = holidays_load(rows=rows, source=path.name)
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError(
                _("%(f)s：有 %(n)s 处错误，未导入任何数据") % {"f": file, "n": len(exc.messages)}
            ) from exc
        self.stdout.write(
            _(
                "新增 %(created)s 天，更新 %(updated)s 天，未变 %(unchanged)s 天；"
                "重新计算办理期限 %(cases)s 件"
            )
            % counts
        )
