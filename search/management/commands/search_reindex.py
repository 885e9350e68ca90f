"""search_reindex [TYPE ...]: rebuild the search index of every (or the named) document type."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search import api


class Command(BaseCommand):
    help = "重建全文检索索引"

    def add_arguments(self, parser):
        parser.add_argument("types", nargs="*", help="document types (default: all)")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, types, no_progress, **options):
        names = types or sorted(api.registry)
        unknown = [n for n in names if n not in api.registry]
        if unknown:
            raise CommandError(f"未知的文档类型：{', '.join(unknown)}")
        for name in names:
            doc_type = api.registry[name]
            total = doc_type.count() if doc_type.count else None
            with tqdm(
                total=total, desc=name, unit="doc", disable=no_progress, file=self.stderr._out
            ) as bar:
                try:
                    count = api.reindex(name, progress=bar.update)
                except Exception as exc:
                    raise CommandError(f"{name}: {exc.__class__.__name__}: {exc}") from exc
            self.stdout.write(f"{name}: {count} 条")
