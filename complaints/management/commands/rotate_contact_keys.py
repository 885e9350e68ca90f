"""rotate_contact_keys: re-encrypt complainants' contact data with the newest key.

Rotation: prepend a new key to FIELD_ENCRYPTION_KEYS, run this command, then remove the old key.
"""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Re-encrypt contact data with the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        from complaints.services import contact_keys_rotate

        try:
            count = contact_keys_rotate()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"re-encrypted contact data of {count} cases"))
