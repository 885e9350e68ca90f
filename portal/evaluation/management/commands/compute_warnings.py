"""compute_warnings [--date YYYY-MM-DD]: raise every warning crossed (idempotent)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from portal.evaluation.warnings import warnings_compute


class Command(BaseCommand):
    help = "Raise the four-level warnings crossed by the given day (default today)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today, Asia/Shanghai)")

    def handle(self, *args, **options):
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError(f"bad --date: {options['date']}") from exc
        new = warnings_compute(day=day)
        self.stdout.write(self.style.SUCCESS(f"{len(new)} new warning(s)"))
