"""Issue 22: each day every chain head is published as a signed JSON document an outsider can
check: verify_published checks a stored day against the database, deploy/verify_transparency.py
checks a downloaded file with the standard library only."""

import base64
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from portal.audit.models import ChainHead, DailyHeadDigest
from portal.audit.registry import chain_heads_digest
from portal.audit.services import audit_append
from portal.evaluation.choices import Channel
from portal.evaluation.services import RatingData, rating_submit
from portal.management.commands.seed_demo import DOMAIN_SEEDERS
from portal.reporting.published import signature_ok
from portal.reporting.transparency import (
    audit_head_publish,
    demo_seed,
    rating_heads_digest,
    verify_daily_digests,
)

SCRIPT = Path(__file__).resolve().parents[3] / "deploy" / "verify_transparency.py"
KEY = base64.b64encode(bytes(range(32))).decode()


def raw(sql, params=()):
    """SQL as an attacker with the database owner's rights sends it (triggers off on PG)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


@pytest.fixture
def published(db, official):
    """Two cases and one rated official; yesterday and today published."""
    audit_append(chain="case:1", action="created", object_type="case", object_id="1")
    audit_append(chain="case:1", action="assigned", object_type="case", object_id="1")
    audit_append(chain="case:2", action="created", object_type="case", object_id="2")
    rating_submit(
        official=official,
        channel=Channel.WEB,
        voter="v-transparency",
        data=RatingData(level=4, attitude=4, efficiency=4, style=4, reason=""),
    )
    with override_settings(TRANSPARENCY_SIGNING_KEY=KEY):
        yesterday = audit_head_publish(now=timezone.now() - timedelta(days=1))
        today = audit_head_publish()
    return {"official": official, "yesterday": yesterday, "today": today}


def get_json(client, day):
    response = client.get(f"/transparency/{day.isoformat()}.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def test_the_json_lists_every_chain_head_and_the_same_digest(client, published):
    doc = get_json(client, published["today"].day)
    heads = {c["chain"]: (c["length"], c["head"]) for c in doc["chains"]}
    assert heads == {h.chain: (h.seq, h.head_hash) for h in ChainHead.objects.all()}
    assert {"case:1", "case:2"} <= heads.keys() and heads["case:1"][0] == 2
    assert [r["official"] for r in doc["rating_chains"]] == [published["official"].pk]
    # the digests are the values the daily digest always had
    assert doc["audit_digest"] == chain_heads_digest() == published["today"].audit_digest
    assert doc["ratings_digest"] == rating_heads_digest()[0]
    assert doc["digest"] == published["today"].digest
    assert doc["prev_digest"] == published["yesterday"].digest
    assert doc["previous"] == f"{published['yesterday'].day.isoformat()}.json"
    assert doc["signature"]["alg"] == "ed25519" and signature_ok(doc) is True
    doc["chains"][0]["length"] += 1
    assert signature_ok(doc) is False


def test_the_html_pages_list_the_heads_and_link_the_json(client, published):
    day = published["today"].day.isoformat()
    page = client.get("/transparency/").content.decode()
    assert f"/transparency/{day}.json" in page and f"/transparency/{day}/" in page
    assert "这不能证明什么" in page
    detail = client.get(f"/transparency/{day}/").content.decode()
    for head in ChainHead.objects.all():
        assert head.chain in detail and head.head_hash in detail


@pytest.mark.parametrize("day", ["2026-13-40", "nonsense", "1999-01-01", "2026-02-30"])
def test_a_bad_or_unpublished_day_is_404(client, published, day):
    assert client.get(f"/transparency/{day}.json").status_code == 404
    assert client.get(f"/transparency/{day}/").status_code == 404


def test_verify_published_passes_on_an_untouched_database(published):
    call_command("verify_published", published["yesterday"].day.isoformat(), verbosity=0)
    # later appends extend the chains: the published heads are still a prefix
    audit_append(chain="case:1", action="closed", object_type="case", object_id="1")
    call_command("verify_published", published["today"].day.isoformat(), verbosity=0)


def test_a_raw_sql_change_to_a_sealed_audit_record_fails_verify_published(published):
    raw(
        "UPDATE audit_auditevent SET action = 'rejected' WHERE chain = 'case:1' AND seq = 1",
    )
    with pytest.raises(CommandError, match="audit chain case:1: event id=.* content"):
        call_command("verify_published", published["today"].day.isoformat(), verbosity=0)


def test_a_raw_sql_change_to_a_rating_fails_verify_published(published):
    raw("UPDATE evaluation_rating SET level = 1 WHERE official_id = %s", [published["official"].pk])
    with pytest.raises(CommandError, match="ratings of official"):
        call_command("verify_published", published["today"].day.isoformat(), verbosity=0)


def test_a_removed_tail_fails_verify_published(published):
    raw("DELETE FROM audit_auditevent WHERE chain = 'case:1' AND seq = 2")
    with pytest.raises(CommandError, match="audit chain case:1: 1 events now, 2 published"):
        call_command("verify_published", published["today"].day.isoformat(), verbosity=0)


def test_verify_published_on_a_bad_date_fails_cleanly(published):
    for arg in ("not-a-day", "1999-01-01"):
        with pytest.raises(CommandError):
            call_command("verify_published", arg, verbosity=0)


def run_script(*args):
    return subprocess.run(
        [sys.executable, "-I", str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_standalone_script_passes_a_good_file_and_fails_a_tampered_one(
    client, published, tmp_path
):
    today = get_json(client, published["today"].day)
    yesterday = get_json(client, published["yesterday"].day)
    good, prev = tmp_path / "today.json", tmp_path / "yesterday.json"
    good.write_text(json.dumps(today), encoding="utf-8")
    prev.write_text(json.dumps(yesterday), encoding="utf-8")
    result = run_script(good, "--previous", prev)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "standard library cannot check it" in result.stdout

    today["chains"][0]["head"] = "f" * 64
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(today), encoding="utf-8")
    result = run_script(bad)
    assert result.returncode == 1 and "audit digest does not recompute" in result.stdout

    # a good file that does not link to the given previous day
    result = run_script(prev, "--previous", good)
    assert result.returncode == 1 and "previous day" in result.stdout
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json", encoding="utf-8")
    assert run_script(garbage).returncode == 1


def test_the_footer_links_the_transparency_page(client, db):
    page = client.get("/transparency/").content.decode()
    footer = page[page.index('<footer class="site-footer">') :]
    assert 'href="/transparency/"' in footer


def test_the_page_says_in_chinese_what_it_proves_and_what_it_does_not(client, db):
    page = client.get("/transparency/").content.decode()
    proves = page[page.index("这能证明什么") : page.index("这不能证明什么")]
    assert "没有被改动" in proves and "verify_transparency.py" in proves
    assert "收录证明" in proves and "--proof" in proves  # a receipt's own proof, and how
    assert "工作人员的账号" in proves  # what a proof hides
    does_not = page[page.index("这不能证明什么") :]
    assert "不能证明记录的内容是真实的" in does_not and "公布之前" in does_not


def test_the_demo_publishes_the_last_30_days_once(db):
    assert "portal.reporting.transparency.demo_seed" in DOMAIN_SEEDERS
    audit_append(chain="case:1", action="created", object_type="case", object_id="1")
    demo_seed()
    demo_seed()
    days = list(DailyHeadDigest.objects.order_by("day").values_list("day", flat=True))
    assert len(days) == 30 and days[-1] == timezone.localdate()
    assert days[0] == timezone.localdate() - timedelta(days=29)
    assert verify_daily_digests() == []
    call_command("verify_published", days[0].isoformat(), verbosity=0)


def test_an_outsider_downloads_the_checker_from_the_page_and_it_checks_a_day(
    client, published, tmp_path
):
    """The page names a script; an outsider without our repository gets it from the page,
    compares its hash with the one shown, and runs it on a downloaded day."""
    import hashlib
    import re

    page = client.get("/transparency/").content.decode()
    assert 'href="/transparency/verify_transparency.py"' in page
    response = client.get("/transparency/verify_transparency.py")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert response.content == SCRIPT.read_bytes()
    shown = re.search(r"脚本的 SHA-256：<code class=\"digest\">([0-9a-f]{64})<", page).group(1)
    assert shown == hashlib.sha256(response.content).hexdigest()
    script, day = tmp_path / "verify_transparency.py", tmp_path / "day.json"
    script.write_bytes(response.content)
    day.write_text(json.dumps(get_json(client, published["today"].day)), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-I", str(script), str(day)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and result.stdout.startswith("note:"), result.stdout
