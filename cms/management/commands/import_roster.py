"""import_roster FILE [--dry-run]: load officials from CSV or XLSX; all rows or none."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cms.roster_import import COLUMNS, RosterFileError, roster_import


class Command(BaseCommand):
    help = "导入测评对象名册（CSV/XLSX）。列：" + ", ".join(COLUMNS)

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        try:
            with tqdm(desc="导入名册", unit="行") as bar:
                report = roster_import(path=path, dry_run=dry_run, progress=bar)
        except RosterFileError as exc:
            raise CommandError(str(exc)) from exc
        if report.errors:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(report.errors)} 处错误，未导入任何数据")
        prefix = "[试运行 dry run] " if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}新增 {report.created}，更新 {report.updated}，未变 {report.unchanged}"
            )
        )
