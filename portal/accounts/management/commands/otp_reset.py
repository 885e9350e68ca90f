"""otp_reset USERNAME: remove a staff member's TOTP devices (lost phone); audited."""

from django.core.management.base import BaseCommand, CommandError

from portal.accounts.models import User
from portal.accounts.twofactor import totp_devices_reset


class Command(BaseCommand):
    help = "Remove a user's two-factor devices so they enrol a new one at next sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--by", default="manage.py otp_reset", help="who asked (audit)")

    def handle(self, *args, username, by, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"no such user: {username}") from exc
        count = totp_devices_reset(user=user, actor_label=by)
        self.stdout.write(f"{username}: {count} device(s) removed; enrol again at next sign-in")
