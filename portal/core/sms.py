"""Pluggable SMS backends, chosen by settings.SMS_BACKEND like Django's e-mail backends."""

import json
import logging
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

outbox: list[dict] = []  # LocmemBackend's messages, for tests


class BaseBackend:
    def send(self, *, phone: str, text: str) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, *, phone, text):
        # development only: the number is masked even here
        print(f"[SMS to {phone[:3]}****{phone[-4:]}] {text}")


class LocmemBackend(BaseBackend):
    def send(self, *, phone, text):
        outbox.append({"phone": phone, "text": text})


class HttpBackend(BaseBackend):
    """POSTs JSON {phone, text} to settings.SMS_HTTP_URL with a bearer token."""

    def send(self, *, phone, text):
        request = urllib.request.Request(
            settings.SMS_HTTP_URL,
            data=json.dumps({"phone": phone, "text": text}).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}",
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            if response.status >= 300:
                raise RuntimeError(f"SMS provider answered {response.status}")


def send_sms(*, phone: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(phone=phone, text=text)
