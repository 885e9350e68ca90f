"""seed_demo: a Nanfeng-sized county (40 units, 470 officials), accounts for every role, and
the domain demo data (ratings, complaints in every state). Idempotent."""

import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string
from tqdm import tqdm

# Domain apps add their demo seeders here: callables `seed(progress)` that are idempotent.
DOMAIN_SEEDERS = [
    "portal.evaluation.demo.seed",
    "complaints.demo.seed",
    "complaints.publication.demo.seed",
    "portal.reporting.transparency.demo_seed",
]


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


class Command(BaseCommand):
    help = "Seed the Nanfeng-sized demo (idempotent)."

    def handle(self, *args, **options):
        from cms.demo import seed_content
        from portal.demo import DEMO_PASSWORD, seed_accounts

        with tqdm(total=settings.DEMO_OFFICIALS, desc="测评对象", unit="人") as bar:
            counts = seed_content(progress=bar)
        seed_accounts()
        for dotted in DOMAIN_SEEDERS:
            if not _module_exists(dotted.rsplit(".", 1)[0]):
                continue  # that app has no demo data
            import_string(dotted)(progress=tqdm)
        self.stdout.write(
            self.style.SUCCESS(
                f"demo ready: {counts['units']} units, {counts['officials_created']} officials created; "
                f"accounts admin/office/editor/leader/dept01…/monitor01… password {DEMO_PASSWORD}"
            )
        )
