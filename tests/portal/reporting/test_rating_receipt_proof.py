"""Issue 22: a rater fetches their rating's inclusion proof with a receipt code that is derived
from the rating (id + a keyed tag), never stored, shown once on a never-cached page. Attacks
first: the codes of one person's two ratings share nothing, a tampered tag is the same 404 as
an unknown id, the shared profile page holds no code, the proof carries no revocation reason;
then the whole path from the web form to the standalone verifier."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.test import Client

from portal.accounts import roles
from portal.evaluation.models import Rating
from portal.evaluation.receipts import rating_code, rating_code_open
from portal.evaluation.review import rating_revoke
from portal.evaluation.sealing import ratings_seal
from portal.reporting.transparency import audit_head_publish, stored_document
from tests.factories import StaffUserFactory
from tests.portal.evaluation.conftest import GOOD

pytestmark = pytest.mark.django_db

SCRIPT = Path(__file__).resolve().parents[3] / "deploy" / "verify_transparency.py"
CODE = re.compile(r"data-rating-code>([0-9a-z-]+)<")


def rate_on_the_web(client, official):
    """Rate through the profile form and follow the redirect: (receipt page html, code)."""
    response = client.post(f"/rate/{official.pk}/", GOOD, REMOTE_ADDR="10.9.0.1")
    assert response.status_code == 302
    assert response["Location"].startswith("/ratings/receipt/")
    html = client.get("/ratings/receipt/").content.decode()
    found = CODE.search(html)
    return html, found.group(1) if found else None


def publish():
    ratings_seal()
    return audit_head_publish()


def test_two_ratings_by_one_person_have_codes_that_share_nothing(client, official, make_official):
    other = make_official(name="李明", unit=official.unit)
    _, first = rate_on_the_web(client, official)
    _, second = rate_on_the_web(client, other)  # same device cookie, same address
    (id1, tag1), (id2, tag2) = first.split("-"), second.split("-")
    assert id1 != id2 and tag1 != tag2
    assert not any(tag1[i : i + 4] in tag2 for i in range(len(tag1) - 3))
    # each code is a function of its own rating id alone, and nothing of it is stored
    assert rating_code(int(id1)) == first and rating_code(int(id2)) == second
    for rating in Rating.objects.all():
        assert not any(tag in str(v) for v in rating.__dict__.values() for tag in (tag1, tag2))


def test_a_tampered_tag_is_the_same_404_as_an_unknown_id(client, official):
    _, code = rate_on_the_web(client, official)
    publish()
    rating_id, tag = code.split("-")
    flipped = ("a" if tag[0] != "a" else "b") + tag[1:]
    tampered = client.get(f"/ratings/proof/{rating_id}-{flipped}.json")
    unknown = client.get(f"/ratings/proof/{int(rating_id) + 999}-{tag}.json")
    junk = client.get("/ratings/proof/not-a-code.json")
    assert tampered.status_code == unknown.status_code == junk.status_code == 404
    # the same page, but for the path it echoes (e.g. the language switch's "next")
    pages = [
        r.content.decode().replace(path, "PATH")
        for r, path in (
            (tampered, f"{rating_id}-{flipped}"),
            (unknown, f"{int(rating_id) + 999}-{tag}"),
            (junk, "not-a-code"),
        )
    ]
    assert pages[0] == pages[1] == pages[2]
    assert rating_code_open(f"{rating_id}-{flipped}") is None
    assert client.get(f"/ratings/proof/{code}.json").status_code == 200


def test_the_cached_profile_after_a_rating_holds_no_code(client, official, settings):
    settings.PAGE_CACHE_ENABLED = True
    caches["pages"].clear()
    html, code = rate_on_the_web(client, official)
    assert code and code in html
    for visitor in (client, Client(), Client()):  # the rater, then two from the shared cache
        page = visitor.get(official.url).content.decode()
        assert code not in page and code.split("-")[1] not in page
    # the receipt page itself is never stored, and a reload shows no code
    again = client.get("/ratings/receipt/")
    assert "no-cache" in again["Cache-Control"] and code not in again.content.decode()


def test_the_proof_carries_no_revocation_reason(client, official):
    _, code = rate_on_the_web(client, official)
    office = StaffUserFactory(role=roles.OFFICE, username="office-rp", password="pw-2026-x")
    rating_revoke(rating=Rating.objects.get(), actor=office, reason="疑似刷票，来自同一网吧")
    publish()
    body = client.get(f"/ratings/proof/{code}.json").content.decode()
    assert "网吧" not in body and "office-rp" not in body


def test_the_proof_route_is_rate_limited(client, official, settings):
    settings.RATING_PROOF_RATE_LIMIT = "3/h"
    answers = [client.get(f"/ratings/proof/1-{'a' * 16}.json").status_code for _ in range(4)]
    assert answers == [404, 404, 404, 429]


def test_rate_read_the_code_fetch_the_proof_and_verify_it_standalone(client, official, tmp_path):
    html, code = rate_on_the_web(client, official)
    assert "只显示这一次" in html and f"/ratings/proof/{code}.json" in html
    waiting = client.get(f"/ratings/proof/{code}.json")
    assert waiting.status_code == 404 and "尚未收录" in json.loads(waiting.content)["error"]
    day = publish()
    response = client.get(f"/ratings/proof/{code}.json")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    proof = json.loads(response.content)
    assert proof["record"]["kind"] == "rating" and str(proof["record"]["id"]) == code.split("-")[0]
    day_file, proof_file = tmp_path / "day.json", tmp_path / "proof.json"
    day_file.write_text(json.dumps(stored_document(day.day)), encoding="utf-8")
    proof_file.write_text(response.content.decode(), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-I", str(SCRIPT), str(day_file), "--proof", str(proof_file)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    call_command("verify_published", day.day.isoformat(), "--proof", str(proof_file), verbosity=0)
    # a forged record in the downloaded proof fails the same script
    proof["record"]["payload"]["level"] = 1
    proof["segments"][0]["links"][0]["public"]["level"] = 1
    proof_file.write_text(json.dumps(proof), encoding="utf-8")
    forged = subprocess.run(
        [sys.executable, "-I", str(SCRIPT), str(day_file), "--proof", str(proof_file)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert forged.returncode != 0
    with pytest.raises(CommandError):
        call_command("verify_published", day.day.isoformat(), "--proof", str(proof_file))
