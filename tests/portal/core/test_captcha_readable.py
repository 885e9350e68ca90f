"""A captcha people can read (issue 21): 150×50, five characters without look-alikes, a
refresh button next to every challenge, and an audio version when flite is installed."""

import io
import shutil

import pytest
from captcha.conf import settings as captcha_settings
from captcha.models import CaptchaStore
from PIL import Image

from portal.core.captcha import CLEAR_CHARS, clear_char_challenge

pytestmark = pytest.mark.django_db


def test_challenges_use_five_unambiguous_characters():
    for _ in range(200):
        shown, answer = clear_char_challenge()
        assert shown == answer and len(shown) == 5
        assert set(shown) <= set(CLEAR_CHARS)
    assert not set("0O1IL2Z5S8B") & set(CLEAR_CHARS)


def test_the_image_is_large(client):
    key = CaptchaStore.generate_key()
    response = client.get(f"/captcha/image/{key}/")
    assert response.status_code == 200
    assert Image.open(io.BytesIO(response.content)).size == (150, 50)
    assert captcha_settings.CAPTCHA_NOISE_FUNCTIONS == ("captcha.helpers.noise_dots",)


def test_the_complaint_form_offers_a_refresh_button(client):
    html = client.get("/complaints/new/").content.decode()
    assert 'data-captcha-refresh-url="/captcha/refresh/"' in html


@pytest.mark.skipif(not shutil.which("flite"), reason="flite not installed (make test installs it)")
def test_an_audio_version_is_linked_and_served(client):
    html = client.get("/complaints/new/").content.decode()
    assert "/captcha/audio/" in html
    key = CaptchaStore.generate_key()
    response = client.get(f"/captcha/audio/{key}.wav")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"RIFF"
