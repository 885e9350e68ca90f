"""open311_client_register NAME: register an Open311 client and print its api_key once."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Register an Open311 client; the api_key is printed once and only its hash is kept."

    def add_arguments(self, parser):
        parser.add_argument("name")

    def handle(self, *args, name, **options):
        from complaints.services import open311_client_register

        client, key = open311_client_register(name=name)
        self.stdout.write(f"client {client.pk} {client.name}: api_key={key}")
