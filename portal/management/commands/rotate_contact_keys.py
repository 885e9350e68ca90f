"""rotate_contact_keys: re-encrypt every encrypted field in the project with the newest key.

Rotation: prepend a new key to FIELD_ENCRYPTION_KEYS, run this command, then remove the old
key. It covers every field registered with portal.core.crypto.register (complainants'
contacts, named raters' mobiles, department endpoint secrets); safe to run again after an
interruption.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.audit.services import audit_append
from portal.core import crypto


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        try:
            counts = crypto.rotate_all()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        audit_append(
            chain="system:keys",
            action="keys.rotate",
            actor_label="manage.py rotate_contact_keys",
            after={"rows": counts, "keys": len(settings.FIELD_ENCRYPTION_KEYS)},
        )
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(self.style.SUCCESS(f"re-encrypted {sum(counts.values())} rows"))
