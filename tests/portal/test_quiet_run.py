"""`make run` is readable (issue 21): the embedded default logs no INFO line per eager Celery
task, kombu does not warn about the memory broker, and seed_demo's SMS and e-mails are counted,
not printed through its progress bars."""

import logging
import os

import pytest
from django.conf import settings
from django.core import mail
from kombu import Connection

from portal.core.sms import send_sms
from portal.management.commands.seed_demo import console_messages_held


@pytest.mark.skipif(
    bool(os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")),
    reason="a broker is configured: not the embedded default",
)
def test_eager_celery_task_lines_are_off_in_the_embedded_default():
    assert settings.LOGGING["loggers"]["celery.app.trace"]["level"] == "WARNING"


def test_the_memory_broker_url_draws_no_kombu_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="kombu.connection"):
        Connection(settings.CELERY_BROKER_URL).as_uri()
        Connection(settings.CELERY_BROKER_URL).clone()
    assert not [r for r in caplog.records if "hostname" in r.getMessage()]


def test_seed_demo_holds_console_sms_and_mail(settings, capsys):
    settings.SMS_BACKEND = "portal.core.sms.ConsoleBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    with console_messages_held() as held:
        send_sms(phone="13800000000", text="您的投诉已收到")
        mail.send_mail("预警", "三级预警", "a@localhost", ["b@localhost"])
    out = capsys.readouterr()
    assert "投诉已收到" not in out.out + out.err and "预警" not in out.out + out.err
    assert held == {"sms": 1, "email": 1}
    assert settings.SMS_BACKEND == "portal.core.sms.ConsoleBackend"  # restored
    send_sms(phone="13800000000", text="之后照常打印")
    assert "之后照常打印" in capsys.readouterr().out
