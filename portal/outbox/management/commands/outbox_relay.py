from django.core.management.base import BaseCommand, CommandError

from portal.outbox.services import outbox_relay


class Command(BaseCommand):
    help = "Send the Celery tasks still waiting in the outbox (after a broker outage)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, limit, **options):
        result = outbox_relay(limit=limit)
        self.stdout.write(f"sent {result['sent']}, pending {result['pending']}")
        if result["pending"] and not result["sent"]:
            raise CommandError(f"broker unreachable: {result['pending']} message(s) pending")
