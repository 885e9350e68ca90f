"""The one mobile-number rule (portal.core.phone), table-driven."""

import pytest

from portal.core.phone import is_mobile, mobile_or_none, phone_normalise


@pytest.mark.parametrize(
    ("typed", "mobile"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),  # full-width digits from a Chinese IME
        ("（138）0013 8000", "13800138000"),  # full-width brackets
        ("13٨٠٠١٣٨٠٠٠", None),  # Arabic-Indic digits: not a number we can text
        ("১৩৮০০১৩৮০০০", None),  # Bengali digits
        ("1380013800", None),  # ten digits
        ("138001380001", None),  # twelve digits
        ("23800138000", None),  # not a mobile prefix
        ("12800138000", None),  # 12x is not allocated to mobiles
        ("1380013800a", None),
        ("tel:13800138000", None),
        ("", None),
        (None, None),
    ],
)
def test_mainland_mobile_numbers(typed, mobile):
    assert mobile_or_none(typed) == mobile
    assert is_mobile(typed) is (mobile is not None)


def test_normalising_does_not_validate():
    assert phone_normalise("12345") == "12345"
    assert phone_normalise("+86 138 0013 8000") == phone_normalise("13800138000")
