"""sms_sampling_demo [--records N] [--reply 1|2|3]: the SMS sampling loop on a demo site.

Imports N service records of the first unit that has an official (every one sampled), sends
the invitations through the configured SMS backend (the console backend prints them), then
posts each citizen's reply to the inbound webhook's service, signed with SMS_INBOUND_SECRET,
twice (as a provider may): N ratings, not 2N. Development and demos only.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cms.models import OfficialPage
from portal.evaluation import sampling
from portal.evaluation.models_sampling import ServiceRecordSource


class Command(BaseCommand):
    help = "Run the SMS sampling loop (import, invite, reply twice, one rating each) on demo data."

    def add_arguments(self, parser):
        parser.add_argument("--records", type=int, default=3)
        parser.add_argument("--reply", choices=["1", "2", "3"], default="1")

    def handle(self, *args, **options):
        if not settings.SMS_INBOUND_SECRET:
            raise CommandError("SMS_INBOUND_SECRET is empty: set it to sign the demo replies")
        n = options["records"]
        if not 1 <= n <= 100:
            raise CommandError("--records must be between 1 and 100")
        official = OfficialPage.objects.live().select_related("unit").first()
        if official is None:
            raise CommandError("no official: run seed_demo first")
        stamp = timezone.now().strftime("%Y%m%d%H%M%S")
        phones = [f"139{stamp[-8:]}"[:8] + f"{i:03d}" for i in range(n)]
        rows = [
            sampling.record_row_parse(
                row=i + 1,
                unit=official.unit,
                external_id=f"DEMO-{stamp}-{i}",
                phone=phone,
                finished_at=timezone.now(),
                official=official,
            )
            for i, phone in enumerate(phones)
        ]
        with transaction.atomic():  # the invitations are texted once this commits (outbox)
            result = sampling.service_records_import(
                unit=official.unit, rows=rows, source=ServiceRecordSource.FILE, sample_rate=1.0
            )
        self.stdout.write(f"imported {result['created']}, invited {result['invited']}")
        rated = 0
        for i, phone in enumerate(phones):
            body = json.dumps(
                {"message_id": f"demo-{stamp}-{i}", "phone": phone, "text": options["reply"]}
            ).encode()
            signature = sampling.signature(settings.SMS_INBOUND_SECRET, body)
            for _ in range(2):  # delivered twice
                answer = sampling.sms_reply_receive(signature_header=signature, body=body)
                self.stdout.write(f"reply from {phone[:3]}****{phone[-4:]}: {answer}")
                rated += answer["result"] == "rated" and not answer["replayed"]
        self.stdout.write(self.style.SUCCESS(f"{rated} rating(s) of {official.title}"))
