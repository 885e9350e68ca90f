"""django-simple-captcha checked in one query: shared by the rating and complaint forms."""

import secrets
import sqlite3

from captcha.conf import settings as captcha_settings
from captcha.fields import CaptchaField
from captcha.models import CaptchaStore
from django import forms
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# letters and digits nobody confuses on a phone screen or in flite's voice
CLEAR_CHARS = "ACDEFHJKMNPRTUVWXY34679"


def clear_char_challenge():
    """settings.CAPTCHA_CHALLENGE_FUNCT: (shown, answer); the answer is checked case-blind."""
    text = "".join(secrets.choice(CLEAR_CHARS) for _ in range(captcha_settings.CAPTCHA_LENGTH))
    return text, text


def _captcha_connection():
    connection = connections[router.db_for_write(CaptchaStore)]
    if connection.vendor == "postgresql" or (
        connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 35)
    ):
        return connection
    return None  # no DELETE … RETURNING: upstream's queries


def _captcha_take(connection, hashkey: str):
    """Delete the challenge `hashkey` (and, unless challenges come from a pool, every expired
    one, as upstream's remove_expired() does on each check) in one statement. Returns
    (stored answer, still valid) or None when there was no such challenge."""
    qn = connection.ops.quote_name
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    where, params = f"{qn('hashkey')} = %s", [hashkey]
    if not captcha_settings.CAPTCHA_GET_FROM_POOL:
        where, params = f"{where} OR {qn('expiration')} <= %s", [hashkey, now]
    with connection.cursor() as cur:
        cur.execute(
            f"DELETE FROM {qn(CaptchaStore._meta.db_table)} WHERE {where} "
            f"RETURNING {qn('hashkey')}, {qn('response')}, {qn('expiration')} > %s",
            [*params, now],
        )
        rows = cur.fetchall()
    return next(((response, bool(fresh)) for key, response, fresh in rows if key == hashkey), None)


class OneQueryCaptchaField(CaptchaField):
    """django-simple-captcha's field, checked in one query instead of two (three with a real
    answer): a single DELETE … RETURNING removes the submitted challenge whatever the answer
    (one attempt per challenge, as upstream) together with the expired ones, and gives back the
    stored answer and whether it had expired. Same outcomes as upstream's clean(), test mode
    included; without DELETE … RETURNING (SQLite < 3.35, other databases) upstream's runs."""

    def clean(self, value):
        connection = _captcha_connection()
        if connection is None:
            return super().clean(value)
        forms.MultiValueField.clean(self, value)
        response, value[1] = (value[1] or "").strip().lower(), ""
        passed_in_test_mode = captcha_settings.CAPTCHA_TEST_MODE and response == "passed"
        if not passed_in_test_mode and not self.required and not response:
            if not captcha_settings.CAPTCHA_GET_FROM_POOL:
                CaptchaStore.remove_expired()
            return value
        stored = _captcha_take(connection, value[0])
        if passed_in_test_mode:
            return value
        if stored is None or not stored[1] or stored[0] != response:
            raise ValidationError(
                getattr(self, "error_messages", {}).get("invalid", _("Invalid CAPTCHA"))
            )
        return value
