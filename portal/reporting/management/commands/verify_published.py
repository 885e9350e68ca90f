"""verify_published DATE [--proof FILE]: the stored day's document still matches the chains in
the database; with --proof, a receipt's inclusion proof leads to that day's published heads."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from portal.reporting.proof_check import proof_problems
from portal.reporting.published import verify_document
from portal.reporting.transparency import stored_document


class Command(BaseCommand):
    help = "Check a published day (YYYY-MM-DD) against the chains now; exit 1 on a mismatch."

    def add_arguments(self, parser):
        parser.add_argument("day")
        parser.add_argument("--proof", help="an inclusion proof (JSON) downloaded for a receipt")

    def handle(self, *args, **options):
        try:
            day = date.fromisoformat(options["day"])
        except ValueError:
            raise CommandError(f"not a date: {options['day']!r}") from None
        document = stored_document(day)
        if document is None:
            raise CommandError(f"{day}: nothing published that day")
        problems = verify_document(document)
        if problems:
            raise CommandError(f"{day}: {problems[0]}")
        self.stdout.write(f"{day}: {len(document['chains'])} chains and the digest match")
        if options["proof"]:
            try:
                with open(options["proof"], encoding="utf-8") as fh:
                    proof = json.load(fh)
            except (OSError, ValueError) as exc:
                raise CommandError(f"unreadable proof: {exc}") from None
            problems = proof_problems(proof, document)
            if problems:
                raise CommandError(f"{day}: proof: {problems[0]}")
            self.stdout.write(f"{day}: the proof leads to the published head")
