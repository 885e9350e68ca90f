"""seed_demo: a Nanfeng-sized county (40 units, 470 officials), accounts for every role, and
the domain demo data (ratings, complaints in every state). Idempotent."""

import importlib.util
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string
from tqdm import tqdm

# Domain apps add their demo seeders here: callables `seed(progress)` that are idempotent.
DOMAIN_SEEDERS = [
    "portal.evaluation.demo.seed",
    "complaints.demo.seed",
    "complaints.demo_stories.seed",
    "complaints.publication.demo.seed",
    "portal.reporting.transparency.demo_seed",
]


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


CONSOLE_BACKENDS = {
    "EMAIL_BACKEND": (
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
    ),
    "SMS_BACKEND": ("portal.core.sms.ConsoleBackend", "portal.core.sms.LocmemBackend"),
}


@contextmanager
def console_messages_held():
    """The demo's notices (hundreds of SMS and e-mails) kept in memory while seeding instead of
    printed through the progress bars by the console backends of the embedded default; yields
    a dict that holds how many were held. A real backend is left alone."""
    from django.core import mail

    from portal.core import sms

    held = {"sms": 0, "email": 0}
    swapped = {}
    for name, (console, memory) in CONSOLE_BACKENDS.items():
        if getattr(settings, name, "") == console:
            swapped[name] = console
            setattr(settings, name, memory)
    sms_before = len(sms.outbox)
    mail_before = len(getattr(mail, "outbox", []))
    try:
        yield held
    finally:
        for name, console in swapped.items():
            setattr(settings, name, console)
        if "SMS_BACKEND" in swapped:
            held["sms"] = len(sms.outbox) - sms_before
            del sms.outbox[sms_before:]
        if "EMAIL_BACKEND" in swapped and hasattr(mail, "outbox"):
            held["email"] = len(mail.outbox) - mail_before
            del mail.outbox[mail_before:]


class Command(BaseCommand):
    help = "Seed the Nanfeng-sized demo (idempotent)."

    def handle(self, *args, **options):
        from cms.demo import seed_content
        from portal.demo import DEMO_PASSWORD, seed_accounts

        with console_messages_held() as held:
            with tqdm(total=settings.DEMO_OFFICIALS, desc="测评对象", unit="人") as bar:
                counts = seed_content(progress=bar)
            seed_accounts()
            for dotted in DOMAIN_SEEDERS:
                if not _module_exists(dotted.rsplit(".", 1)[0]):
                    continue  # that app has no demo data
                import_string(dotted)(progress=tqdm)
        if held["sms"] or held["email"]:
            self.stdout.write(
                f"the demo's notices were not printed: {held['sms']} SMS, {held['email']} e-mail(s)"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"demo ready: {counts['units']} units, {counts['officials_created']} officials created; "
                f"accounts admin/office/editor/leader/dept01…/monitor01… password {DEMO_PASSWORD}"
            )
        )
