"""rating_submit: every rule holding and every refusal happening."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from portal.accounts import roles
from portal.evaluation import services
from portal.evaluation.choices import CallBackKind, Channel
from portal.evaluation.models import CallBack, Rating, RatingContact, RatingTicket
from portal.evaluation.sealing import ratings_seal

pytestmark = pytest.mark.django_db


def refusal(exc_info):
    return exc_info.value.code


def test_a_rating_is_chained_to_the_previous_one_of_the_same_official(official, rate):
    first, second = rate(official), rate(official)
    assert (first.seq, first.hash) == (None, "") and first.mac  # the sealer chains it later
    ratings_seal()
    first, second = Rating.objects.get(pk=first.pk), Rating.objects.get(pk=second.pk)
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.hash


def test_each_official_has_its_own_chain(official, make_official, rate):
    other = make_official()
    rate(official)
    mine = rate(other)
    ratings_seal()
    assert Rating.objects.get(pk=mine.pk).seq == 1


def test_one_rating_per_voter_per_official_per_month(official, rate):
    rate(official, voter="same")
    with pytest.raises(ValidationError) as exc:
        rate(official, voter="same")
    assert refusal(exc) == "already"
    assert "本月您已评价过" in exc.value.messages[0]


@override_settings(RATINGS_PER_VOTER_PER_OFFICIAL_PER_MONTH=2)
def test_the_monthly_limit_is_a_setting(official, rate):
    rate(official, voter="same")
    rate(official, voter="same")
    with pytest.raises(ValidationError):
        rate(official, voter="same")


def test_the_same_voter_may_rate_another_official(official, make_official, rate):
    rate(official, voter="same")
    rate(make_official(unit=official.unit), voter="same")


def test_a_rating_of_last_month_does_not_block_this_month(official, rate):
    old = rate(official, voter="same")
    last_month = (old.month - timedelta(days=1)).replace(day=1)
    if connection.vendor == "postgresql":
        pytest.skip("ratings cannot be moved in time on PostgreSQL (trigger)")
    with connection.cursor() as cur:
        cur.execute("UPDATE evaluation_rating SET month=%s WHERE id=%s", [last_month, old.pk])
    rate(official, voter="same")


def test_a_reason_is_required_for_a_bad_rating(official, rate):
    with pytest.raises(ValidationError) as exc:
        rate(official, level=2, reason="  ")
    assert refusal(exc) == "reason"


@override_settings(RATING_SCALE="five")
def test_on_the_five_level_scale_very_dissatisfied_also_needs_a_reason_and_a_callback(
    official, rate
):
    with pytest.raises(ValidationError):
        rate(official, level=1, reason="")
    rating = rate(official, level=1, reason="态度恶劣")
    assert rating.callback.kind == CallBackKind.BAD


def test_the_three_level_scale_refuses_a_five_level_answer(official, rate):
    with pytest.raises(ValidationError) as exc:
        rate(official, level=5)
    assert refusal(exc) == "level"


def test_dimension_scores_are_required_on_the_web(official, rate):
    with pytest.raises(ValidationError) as exc:
        rate(official, attitude=None)
    assert refusal(exc) == "score"


def test_named_rating_keeps_contact_encrypted_and_outside_the_ratings_table(official, rate):
    rating = rate(official, anonymous=False, name="李明", phone="13800138000")
    contact = RatingContact.objects.get(rating=rating)
    assert "13800138000" not in contact.phone_encrypted
    assert services.contact_phone(contact) == "13800138000"
    columns = [f.column for f in Rating._meta.fields]
    assert not any(c in columns for c in ("ip", "phone", "user_agent", "name"))
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM evaluation_rating WHERE id=%s", [rating.pk])
        row = " ".join(str(v) for v in cur.fetchone())
    assert "13800138000" not in row and "李明" not in row


def test_named_rating_needs_name_and_mobile(official, rate):
    with pytest.raises(ValidationError) as exc:
        rate(official, anonymous=False, name="李明", phone="12345")
    assert refusal(exc) == "named"


def test_staff_account_of_the_unit_cannot_rate_its_official(official, rate, make_user):
    clerk = make_user(roles.DEPARTMENT, unit=official.unit)
    with pytest.raises(ValidationError) as exc:
        rate(official, actor=clerk)
    assert refusal(exc) == "staff"
    assert "本单位工作人员" in exc.value.messages[0]


def test_staff_phone_of_the_unit_cannot_rate_its_official(official, make_official, rate):
    services.staff_phones_import(unit=official.unit, phones=["13900139000", "bad"])
    with pytest.raises(ValidationError) as exc:
        rate(official, verified_phone="13900139000")
    assert refusal(exc) == "staff"
    rate(make_official(), verified_phone="13900139000")  # another unit: allowed


def test_staff_phones_are_stored_only_as_keyed_hashes(unit):
    from portal.evaluation.models import StaffPhone

    assert services.staff_phones_import(unit=unit, phones=["13900139000"]) == 1
    assert services.staff_phones_import(unit=unit, phones=["13900139000"]) == 0
    assert "13900139000" not in StaffPhone.objects.get().phone_hash


def test_every_bad_rating_enters_the_callback_queue_with_a_24_hour_deadline(official, rate):
    rating = rate(official, level=2)
    callback = CallBack.objects.get(rating=rating)
    assert callback.kind == CallBackKind.BAD
    assert callback.due_at - rating.created_at == timedelta(hours=24)


@override_settings(GOOD_RATING_CALLBACK_SAMPLE=1.0)
def test_good_named_ratings_are_sampled_for_callback(official, rate):
    rating = rate(official, anonymous=False, name="王芳", phone="13700137000")
    assert rating.callback.kind == CallBackKind.SAMPLE
    anonymous = rate(official)
    assert not CallBack.objects.filter(rating=anonymous).exists()


@override_settings(GOOD_RATING_CALLBACK_SAMPLE=0.0)
def test_no_sample_when_the_share_is_zero(official, rate):
    rating = rate(official, anonymous=False, name="王芳", phone="13700137000")
    assert not CallBack.objects.filter(rating=rating).exists()


# --- QR on site ------------------------------------------------------------------------------


def test_qr_rating_within_500_m_is_accepted(official, rate):
    token = services.qr_token_make(unit=official.unit, official=official)
    rating = rate(
        official, channel=Channel.QR, qr_token=token, latitude="27.2210", longitude="116.5330"
    )
    assert rating.channel == Channel.QR


def test_qr_rating_outside_500_m_is_refused(official, rate):
    token = services.qr_token_make(unit=official.unit)
    with pytest.raises(ValidationError) as exc:
        rate(official, channel=Channel.QR, qr_token=token, latitude="27.2300", longitude="116.5330")
    assert refusal(exc) == "outside"
    assert "500" in exc.value.messages[0]


def test_qr_rating_without_location_is_refused(official, rate):
    token = services.qr_token_make(unit=official.unit)
    with pytest.raises(ValidationError) as exc:
        rate(official, channel=Channel.QR, qr_token=token)
    assert refusal(exc) == "location"


def test_a_forged_qr_token_is_refused(official, rate):
    token = services.qr_token_make(unit=official.unit)
    with pytest.raises(ValidationError) as exc:
        rate(
            official,
            channel=Channel.QR,
            qr_token=token[:-2] + "xx",
            latitude="27.218",
            longitude="116.533",
        )
    assert refusal(exc) == "token"


def test_a_qr_token_cannot_be_reused_for_another_unit_or_official(official, make_official, rate):
    other_unit_official = make_official()
    colleague = make_official(unit=official.unit)
    unit_token = services.qr_token_make(unit=official.unit)
    personal_token = services.qr_token_make(unit=official.unit, official=official)
    for target, token in ((other_unit_official, unit_token), (colleague, personal_token)):
        with pytest.raises(ValidationError) as exc:
            rate(target, channel=Channel.QR, qr_token=token, latitude="27.218", longitude="116.533")
        assert refusal(exc) == "token-other"


@override_settings(QR_TOKEN_MAX_DAYS=0)
def test_an_expired_qr_token_is_refused(official, rate):
    token = services.qr_token_make(unit=official.unit)
    import time

    time.sleep(1.1)
    with pytest.raises(ValidationError) as exc:
        rate(official, channel=Channel.QR, qr_token=token, latitude="27.218", longitude="116.533")
    assert refusal(exc) == "expired"


# --- tickets (一次一评) -----------------------------------------------------------------------


def test_a_ticket_proves_one_transaction_and_cannot_be_used_twice(official, rate, make_user):
    clerk = make_user(roles.DEPARTMENT, unit=official.unit)
    ticket = services.ticket_issue(user=clerk)
    rating = rate(official, channel=Channel.TICKET, ticket_code=ticket.code)
    assert rating.ticket_id == ticket.pk
    with pytest.raises(ValidationError) as exc:
        rate(official, channel=Channel.TICKET, ticket_code=ticket.code)
    assert refusal(exc) == "ticket"  # one refusal for used and expired (issue 14, deliberate)


def test_a_ticket_cannot_be_used_by_the_clerks_own_unit_account(official, rate, make_user):
    clerk = make_user(roles.DEPARTMENT, unit=official.unit)
    ticket = services.ticket_issue(user=clerk)
    with pytest.raises(ValidationError) as exc:
        rate(official, channel=Channel.TICKET, ticket_code=ticket.code, actor=clerk)
    assert refusal(exc) == "staff"
    assert RatingTicket.objects.get(pk=ticket.pk).used_at is None


def test_a_ticket_of_one_unit_cannot_rate_another_units_official(
    official, make_official, rate, make_user
):
    clerk = make_user(roles.DEPARTMENT, unit=official.unit)
    ticket = services.ticket_issue(user=clerk)
    with pytest.raises(ValidationError) as exc:
        rate(make_official(), channel=Channel.TICKET, ticket_code=ticket.code)
    assert refusal(exc) == "token-other"


def test_an_expired_ticket_is_refused(official, rate, make_user):
    clerk = make_user(roles.DEPARTMENT, unit=official.unit)
    ticket = services.ticket_issue(user=clerk)
    RatingTicket.objects.filter(pk=ticket.pk).update(expires_at=timezone.now() - timedelta(1))
    with pytest.raises(ValidationError) as exc:
        rate(official, channel=Channel.TICKET, ticket_code=ticket.code)
    assert refusal(exc) == "ticket"  # the same refusal as a used ticket (issue 14, deliberate)


def test_only_clerks_and_the_office_issue_tickets(official, make_official, make_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.ticket_issue(user=make_user(roles.MONITOR))
    other_units_clerk = make_user(roles.DEPARTMENT, unit=make_official().unit)
    with pytest.raises(PermissionDenied):
        services.ticket_issue(user=other_units_clerk, official=official)


# --- kiosk ----------------------------------------------------------------------------------


def test_kiosk_ratings_need_the_kiosk_token_of_that_official(official, make_official, rate):
    token = services.kiosk_token_make(unit=official.unit, official=official)
    rating = rate(
        official,
        channel=Channel.KIOSK,
        kiosk_token=token,
        attitude=None,
        efficiency=None,
        style=None,
    )
    assert rating.channel == Channel.KIOSK
    with pytest.raises(ValidationError):
        rate(make_official(unit=official.unit), channel=Channel.KIOSK, kiosk_token=token)


# --- phone codes ----------------------------------------------------------------------------


def test_phone_code_is_sent_by_sms_and_works_once():
    from portal.core import sms

    services.phone_code_send(phone="13800138000")
    code = sms.outbox[-1]["text"].split("验证码是")[1][:6]
    assert not services.phone_code_check(
        phone="13800138000", code="000000" if code != "000000" else "111111"
    )
    assert services.phone_code_check(phone="13800138000", code=code)
    assert not services.phone_code_check(phone="13800138000", code=code)


def test_voter_key_is_a_scoped_truncated_keyed_hash_not_the_phone_or_ip():
    from datetime import date

    from portal.evaluation import voters

    month = date(2026, 3, 1)
    phone = voters.identity_for_phone("13800138000")
    key = voters.voter_key(identity=phone, official_id=1, month=month)
    assert key.startswith("v2:") and "13800138000" not in key
    assert key == voters.voter_key(identity=phone, official_id=1, month=month)
    assert key != voters.voter_key(identity=phone, official_id=2, month=month)
    assert key != voters.voter_key(identity=phone, official_id=1, month=date(2026, 4, 1))
    device = voters.identity_for_device(device="d" * 32, client_ip="203.0.113.7")
    assert device == voters.identity_for_device(device="d" * 32, client_ip="203.0.113.99")
    assert device != voters.identity_for_device(device="d" * 32, client_ip="198.51.100.7")
    assert "203.0.113" in device  # the identity is never stored, only hashed into scoped keys
