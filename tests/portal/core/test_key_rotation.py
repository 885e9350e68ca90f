"""One encryption module, one rotation: `rotate_contact_keys` re-encrypts every encrypted
field of the project, the append-only rating contacts included, so the old key can be dropped.

The attack it answers: an operator retires a key that leaked; any ciphertext still under that
key stays readable to whoever holds the leaked key (and becomes unreadable to the office once
the key is removed)."""

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, models, transaction

from complaints.models import Case, Category, DepartmentEndpoint
from complaints.services import case_submit
from complaints.services.exchange import endpoint_create
from portal.audit.models import AuditEvent
from portal.core import crypto
from portal.evaluation.models import AppendOnlyError, RatingContact
from portal.evaluation.services import RatingData, contact_phone, rating_submit

pytestmark = pytest.mark.django_db

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def _encrypted_columns():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.TextField | models.CharField) and (
                field.name.endswith("_enc") or field.name.endswith("_encrypted")
            ):
                yield model._meta.label, field.name


def test_every_encrypted_column_of_every_model_is_registered_for_rotation():
    columns = set(_encrypted_columns())
    assert ("evaluation.RatingContact", "phone_encrypted") in columns  # the scan finds them
    assert ("complaints.Case", "contact_phone_enc") in columns
    registered = {(e.label, f) for e in crypto.registered() for f in e.fields}
    assert columns - registered == set()


def _stored(settings, official, unit):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    category, _ = Category.objects.get_or_create(
        code="efficiency", defaults={"name": "办事效率", "display_order": 2}
    )
    case, _receipt = case_submit(
        category=category,
        text="窗口人员态度恶劣，推诿扯皮。",
        anonymous=False,
        contact_name="李四",
        contact_phone="13912345678",
        contact_email="lisi@example.cn",
        unit=unit,
        subject_kind="unit",
    )
    anonymous, _receipt = case_submit(
        category=category,
        text="窗口人员态度恶劣，推诿扯皮。",
        notify_email="notice@example.cn",
        unit=unit,
        subject_kind="unit",
    )
    assert anonymous.notify_email_enc
    rating = rating_submit(
        official=official,
        data=RatingData(
            level=4,
            attitude=4,
            efficiency=4,
            style=4,
            anonymous=False,
            name="王五",
            phone="13800001111",
        ),
        channel="web",
        voter="voter-rotation",
    )
    endpoint, secret = endpoint_create(unit=unit, url="https://dept.example.cn/hook", actor=None)
    return case, rating.contact, endpoint, secret


def test_rotation_covers_cases_rating_contacts_and_endpoint_secrets(settings, official, unit):
    case, contact, endpoint, secret = _stored(settings, official, unit)
    old_phone_token = contact.phone_encrypted

    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    call_command("rotate_contact_keys")
    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key is dropped

    case = Case.objects.get(pk=case.pk)
    assert crypto.decrypt(case.contact_name_enc) == "李四"
    assert crypto.decrypt(case.contact_phone_enc) == "13912345678"
    assert crypto.decrypt(case.contact_email_enc) == "lisi@example.cn"
    anonymous = Case.objects.exclude(pk=case.pk).get()
    assert crypto.decrypt(anonymous.notify_email_enc) == "notice@example.cn"
    contact = RatingContact.objects.get(pk=contact.pk)
    assert contact.phone_encrypted != old_phone_token
    assert contact_phone(contact) == "13800001111"
    assert contact.name == "王五"
    assert crypto.decrypt(DepartmentEndpoint.objects.get(pk=endpoint.pk).secret_enc) == secret
    # whoever holds only the retired key reads nothing any more
    with pytest.raises(InvalidToken):
        Fernet(OLD.encode()).decrypt(contact.phone_encrypted.encode())
    with pytest.raises(InvalidToken):
        Fernet(OLD.encode()).decrypt(case.contact_phone_enc.encode())
    event = AuditEvent.objects.filter(action="keys.rotate").get()
    assert event.after["rows"]["evaluation.RatingContact"] == 1


def test_rotation_is_safe_to_run_twice(settings, official, unit):
    case, contact, _, _ = _stored(settings, official, unit)
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    call_command("rotate_contact_keys")
    call_command("rotate_contact_keys")
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert crypto.decrypt(Case.objects.get(pk=case.pk).contact_phone_enc) == "13912345678"
    assert contact_phone(RatingContact.objects.get(pk=contact.pk)) == "13800001111"


def test_the_rotation_path_rewrites_ciphertext_only(settings, official, unit):
    _, contact, _, _ = _stored(settings, official, unit)
    with pytest.raises(AppendOnlyError):
        RatingContact.tokens_rewrite([(contact.pk, {"name": "张三"})])
    with pytest.raises(AppendOnlyError):
        RatingContact.objects.filter(pk=contact.pk).update(phone_encrypted="x")
    assert RatingContact.objects.get(pk=contact.pk).name == "王五"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger exists on PostgreSQL only")
def test_postgresql_still_refuses_any_other_change_to_a_rating_contact(settings, official, unit):
    _, contact, _, _ = _stored(settings, official, unit)
    attempts = [
        ("UPDATE evaluation_ratingcontact SET phone_encrypted = 'x' WHERE id = %s", False),
        ("UPDATE evaluation_ratingcontact SET name = '张三' WHERE id = %s", True),
        ("DELETE FROM evaluation_ratingcontact WHERE id = %s", True),
    ]
    for sql, with_rotation_flag in attempts:
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cur:
                if with_rotation_flag:
                    cur.execute("SET LOCAL portal.key_rotation = 'on'")
                cur.execute(sql, [contact.pk])
    stored = RatingContact.objects.get(pk=contact.pk)
    assert (stored.name, stored.phone_encrypted) == ("王五", contact.phone_encrypted)
