"""verify_audit: walk every hash chain; exit non-zero naming the first broken record."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from portal.audit.registry import verifiers


class Command(BaseCommand):
    help = "Verify the hash chains of ratings and audit events."

    def handle(self, *args, **options):
        problems = []
        for name, verify in tqdm(list(verifiers.items()), desc="verify", unit="chain-set"):
            found = verify()
            problems.extend(found)
            self.stdout.write(f"{name}: {'BROKEN' if found else 'ok'}")
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} broken chain(s); first: {problems[0]}")
        self.stdout.write(self.style.SUCCESS("all chains intact"))
