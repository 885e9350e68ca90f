from django.contrib.auth.hashers import check_password

from complaints.services.receipts import receipt_hash_make


def test_receipt_codes_are_hashed_with_the_configured_rounds(settings):
    settings.RECEIPT_HASH_ITERATIONS = 1234
    stored = receipt_hash_make("1234567812345678")
    assert stored.startswith("pbkdf2_sha256$1234$")
    assert "1234567812345678" not in stored
    assert check_password("1234567812345678", stored)
    assert not check_password("1234567812345679", stored)


def test_codes_hashed_with_other_rounds_keep_verifying(settings):
    settings.RECEIPT_HASH_ITERATIONS = 1000
    stored = receipt_hash_make("8765432187654321")
    settings.RECEIPT_HASH_ITERATIONS = 5000
    assert check_password("8765432187654321", stored)


def test_no_code_gives_an_unusable_hash():
    assert not check_password("", receipt_hash_make(None))
