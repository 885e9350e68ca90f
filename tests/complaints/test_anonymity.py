"""Anonymity is a promise: after an anonymous complaint, neither the client's IP address nor its
user agent can be found in any table or in the logs."""

import logging

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from complaints.models import Case

from .conftest import image_bytes

IP = "203.0.113.197"
UA = "Mozilla/5.0 (DistinctiveTestAgent/7.7.7-anon-probe)"


def _all_text_in_database() -> str:
    chunks = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(
                f,
                (
                    models.CharField,
                    models.TextField,
                    models.JSONField,
                    models.GenericIPAddressField,
                    models.BinaryField,
                ),
            )
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            chunks.extend(str(v) for v in row if v)
    return "\n".join(chunks)


@pytest.mark.django_db(transaction=True)
def test_anonymous_complaint_leaves_no_ip_or_user_agent_in_tables_or_logs(client, category, caplog):
    caplog.set_level(logging.DEBUG)
    photo = SimpleUploadedFile("p.jpg", image_bytes(exif_gps=True), "image/jpeg")
    meta = {"REMOTE_ADDR": IP, "HTTP_USER_AGENT": UA, "HTTP_X_FORWARDED_FOR": IP}
    response = client.post(
        "/complaints/new/",
        {
            "anonymous": "1",
            "subject_kind": "general",
            "category": category.pk,
            "text": "匿名反映：某窗口吃拿卡要。",
            "notify_email": "",
            "captcha_0": "x",
            "captcha_1": "PASSED",
            "attachments": [photo],
        },
        **meta,
    )
    assert response.status_code == 302
    receipt = client.get(response["Location"], **meta).context["receipt"]
    # follow it up, add a message, fail once: all of it anonymous too
    client.post("/complaints/track/", {"number": receipt.number, "code": "0" * 16}, **meta)
    tracked = client.post(
        "/complaints/track/", {"number": receipt.number, "code": receipt.code}, **meta
    )
    assert tracked.status_code == 302
    client.post(tracked["Location"] + "message/", {"text": "补充：上午十点。"}, **meta)
    assert Case.objects.get().messages.count() == 1

    dump = _all_text_in_database()
    assert dump  # the scan did read the tables
    assert IP not in dump
    assert UA not in dump and "DistinctiveTestAgent" not in dump
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert IP not in logged and "DistinctiveTestAgent" not in logged
