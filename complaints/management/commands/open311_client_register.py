"""open311_client_register NAME: register an Open311 client and print its api_key once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Register an Open311 client; the api_key is printed once and only its hash is kept."

    def add_arguments(self, parser):
        parser.add_argument("name")

    def handle(self, *args, name, **options):
        from complaints.open311.clients import open311_client_create

        try:
            client, key = open311_client_create(name=name)
        except ValidationError as exc:
            raise CommandError("; ".join(str(m) for m in exc.messages)) from exc
        self.stdout.write(f"client {client.pk} {client.name}: api_key={key}")
