"""Issue 22: per-receipt inclusion proofs. A complainant downloads, from the tracking page, the
chain segment from their case to a published day's head; a rating's proof runs from the rating
(and its revocation) to the head. `verify_published DATE --proof` and the standalone
deploy/verify_transparency.py check it; a forged record or a raw-SQL edit makes them fail."""

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from complaints.services.workflow import case_accept, case_assign
from portal.accounts import roles
from portal.audit.models import DailyHeadDigest
from portal.audit.services import audit_append
from portal.evaluation.choices import Channel
from portal.evaluation.review import rating_revoke
from portal.evaluation.services import RatingData, rating_submit
from portal.reporting import proof_check
from portal.reporting.proofs import ProofUnavailable, case_proof, proof_verify, rating_proof
from portal.reporting.transparency import audit_head_publish, demo_seed, stored_document
from tests.factories import CaseFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

SCRIPT = Path(__file__).resolve().parents[3] / "deploy" / "verify_transparency.py"


def raw(sql, params=()):
    """SQL as an attacker with the database owner's rights sends it (triggers off on PG)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def rate(official, voter, level=4, reason=""):
    return rating_submit(
        official=official,
        channel=Channel.WEB,
        voter=voter,
        data=RatingData(level=level, attitude=level, efficiency=level, style=level, reason=reason),
    )


@pytest.fixture
def office(db):
    return StaffUserFactory(role=roles.OFFICE, username="office-proof", password="pw-2026-x")


def records(official, office):
    case, receipt = CaseFactory()
    case_accept(case=case, actor=office)
    bad = rate(official, "v-proof-1", level=2, reason="推诿扯皮")
    rate(official, "v-proof-2", level=4)
    revocation = rating_revoke(rating=bad, actor=office, reason="恶意评价")
    return {"case": case, "receipt": receipt, "bad": bad, "rev": revocation}


@pytest.fixture
def world(official, office):
    return {**records(official, office), "day": audit_head_publish()}


@pytest.fixture
def demo(official, office):
    """The records, then what seed_demo does: the last 30 days published."""
    data = records(official, office)
    demo_seed()
    return {**data, "day": DailyHeadDigest.objects.order_by("-day").first()}


def revocation_seal(proof):
    return next(s for s in proof["seals"] if s["kind"] == "revocation")


def document(world):
    return stored_document(world["day"].day)


def test_a_case_proof_verifies_against_the_published_day(world):
    proof = case_proof(case=world["case"])
    assert proof["record"]["number"] == world["case"].number
    assert proof["segments"][0]["links"][0]["public"]["action"] == "case.submit"
    assert proof_check.proof_problems(proof, document(world)) == []
    assert proof_verify(proof=proof) == []


def test_a_rating_proof_with_its_revocation_verifies(world):
    proof = rating_proof(rating=world["bad"])
    # a 差评 opens a call-back at once; both records are sealed in the office chain
    assert sorted(s["kind"] for s in proof["seals"]) == ["callback", "revocation"]
    assert proof_verify(proof=proof) == []


@pytest.mark.parametrize(
    "forge",
    [
        lambda p: p["segments"][0]["links"][0]["public"].update(action="case.reject"),
        lambda p: p["segments"][0]["links"][1].update(content_sha256="0" * 64),
        lambda p: p["segments"][0]["links"][0]["public"].update(actor_label="someone"),
        lambda p: p["record"].update(text_sha256="0" * 64),
        lambda p: p["segments"][0]["links"].pop(),  # stops short of the published head
        lambda p: p.update(day_digest="f" * 64),
    ],
)
def test_a_forged_case_proof_fails(world, forge):
    proof = case_proof(case=world["case"])
    forge(proof)
    assert proof_check.proof_problems(proof, document(world))


@pytest.mark.parametrize(
    "forge",
    [
        lambda p: p["record"]["payload"].update(level=5),
        lambda p: (
            p["record"]["payload"].update(level=5),
            p["segments"][0]["links"][0]["public"].update(level=5),
        ),
        lambda p: revocation_seal(p)["values"].update(reason="经核查属实"),
    ],
)
def test_a_forged_rating_proof_fails(world, forge):
    proof = rating_proof(rating=world["bad"])
    forge(proof)
    assert proof_check.proof_problems(proof, document(world))


def test_a_record_after_the_last_published_day_has_no_proof_yet(world, official):
    later = rate(official, "v-proof-3")
    with pytest.raises(ProofUnavailable):
        rating_proof(rating=later)
    case, _ = CaseFactory()
    with pytest.raises(ProofUnavailable):
        case_proof(case=case)


def test_the_tracking_page_links_the_proof_and_only_its_receipt_gets_it(client, world):
    case, receipt = world["case"], world["receipt"]
    assert client.get("/complaints/track/case/proof.json").status_code == 404  # no receipt
    client.post("/complaints/track/", {"number": case.number, "code": receipt.code})
    page = client.get("/complaints/track/case/").content.decode()
    assert "下载收录证明" in page and "/complaints/track/case/proof.json" in page
    response = client.get("/complaints/track/case/proof.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    proof = json.loads(response.content)
    assert proof["record"]["id"] == case.pk
    assert proof_verify(proof=proof) == []


def test_verify_published_checks_a_proof_file(world, tmp_path):
    good = tmp_path / "proof.json"
    good.write_text(json.dumps(case_proof(case=world["case"])), encoding="utf-8")
    day = world["day"].day.isoformat()
    call_command("verify_published", day, "--proof", str(good), verbosity=0)
    forged = rating_proof(rating=world["bad"])
    revocation_seal(forged)["values"]["reason"] = "另一理由"
    bad = tmp_path / "forged.json"
    bad.write_text(json.dumps(forged), encoding="utf-8")
    with pytest.raises(CommandError, match="proof: revocation"):
        call_command("verify_published", day, "--proof", str(bad), verbosity=0)


def run_script(day_file, proof_file):
    return subprocess.run(
        [sys.executable, "-I", str(SCRIPT), str(day_file), "--proof", str(proof_file)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _files(tmp_path, world, proof):
    day_file, proof_file = tmp_path / "day.json", tmp_path / "proof.json"
    day_file.write_text(json.dumps(document(world)), encoding="utf-8")
    proof_file.write_text(json.dumps(proof), encoding="utf-8")
    return day_file, proof_file


def test_the_standalone_verifier_passes_untouched_proofs(world, tmp_path):
    for proof in (case_proof(case=world["case"]), rating_proof(rating=world["bad"])):
        result = run_script(*_files(tmp_path, world, proof))
        assert result.returncode == 0, result.stdout + result.stderr
        assert "inclusion proof leads" in result.stdout


EDIT_IDS = ["rating", "revocation", "case-event"]
EDITS = [
    (
        lambda w: raw(
            "UPDATE evaluation_rating SET level = 5, reason = '' WHERE id = %s", [w["bad"].pk]
        ),
        lambda w: rating_proof(rating=w["bad"]),
        "does not hash",
    ),
    (
        lambda w: raw(
            "UPDATE evaluation_ratingrevocation SET reason = '经核查属实' WHERE id = %s",
            [w["rev"].pk],
        ),
        lambda w: rating_proof(rating=w["bad"]),
        "revocation id=",
    ),
    (
        lambda w: raw(
            "UPDATE audit_auditevent SET action = 'case.reject' WHERE chain = %s AND seq = 2",
            [w["case"].audit_chain],
        ),
        lambda w: case_proof(case=w["case"]),
        "does not hash",
    ),
]


@pytest.mark.parametrize("edit, make_proof, reason", EDITS, ids=EDIT_IDS)
def test_the_standalone_verifier_fails_after_a_raw_sql_edit(
    world, tmp_path, edit, make_proof, reason
):
    edit(world)
    proof = make_proof(world)  # the server builds it from the database as it is now
    result = run_script(*_files(tmp_path, world, proof))
    assert result.returncode == 1 and reason in result.stdout, result.stdout


def test_even_a_rewritten_chain_does_not_lead_to_the_published_head(world, tmp_path):
    """An attacker who edits a case event and recomputes every hash after it still cannot
    reach the head people downloaded."""
    proof = case_proof(case=world["case"])
    links = proof["segments"][0]["links"]
    links[1]["content_sha256"] = "1" * 64
    prev = proof["segments"][0]["prev_hash"]
    for link in links:
        link["hash"] = prev = proof_check.link_hash(prev, link)
    result = run_script(*_files(tmp_path, world, proof))
    assert result.returncode == 1 and "published head" in result.stdout


def test_the_chain_rule_and_the_standalone_link_rule_agree(world):
    """portal.audit.hashing writes the chains; the script (stdlib only) checks them: the hash
    it recomputes from a disclosed or a redacted link is the one the database holds."""
    from portal.audit.hashing import content_hash, public_part
    from portal.audit.models import AuditEvent
    from portal.audit.services import roundtrip

    for event in AuditEvent.objects.filter(chain=world["case"].audit_chain):
        payload = roundtrip(event.payload())
        for link in ({"public": public_part(payload)}, {"content_sha256": content_hash(payload)}):
            assert proof_check.link_hash(event.prev_hash, link) == event.hash


def test_manage_py_checks_proofs_with_the_standalone_scripts_code():
    assert proof_check.SCRIPT == SCRIPT
    assert proof_check.proof_problems.__code__.co_filename == str(SCRIPT)


def test_a_later_day_still_proves_an_older_rating_from_its_first_day(world, official):
    audit_append(chain="case:999", action="x", object_type="case", object_id="999")
    audit_head_publish(now=timezone.now() + timedelta(days=1))
    proof = rating_proof(rating=world["bad"])
    assert proof["day"] == world["day"].day.isoformat()
    assert proof_verify(proof=proof) == []


# --- privacy: a proof reveals nothing the holder was not already shown ------------------------

OFFICE_NOTE = "内部备注：投诉人疑似上访户，注意口径"


def test_the_complainants_proof_carries_no_staff_name_or_office_note(client, world, office, unit):
    """The attack: the receipt holder downloads the proof and reads who handled the case and
    what the office wrote about them."""
    case, receipt = world["case"], world["receipt"]
    case_assign(case=case, actor=office, department=unit, reason=OFFICE_NOTE)
    audit_head_publish(now=timezone.now() + timedelta(days=1))
    client.post("/complaints/track/", {"number": case.number, "code": receipt.code})
    body = client.get("/complaints/track/case/proof.json").content.decode()
    proof = json.loads(body)
    assert proof["day"] == (world["day"].day + timedelta(days=1)).isoformat()
    assert office.username not in body
    assert OFFICE_NOTE not in body
    links = proof["segments"][0]["links"]
    assert len(links) == 3 and "public" in links[0]
    assert all(set(link) == {"content_sha256", "hash"} for link in links[1:])
    assert not {"actor", "actor_label", "created_at"} & set(links[0]["public"])
    assert proof_verify(proof=proof) == []


def test_a_rating_proof_carries_no_voter_key_network_key_or_staff_name(world, office, official):
    other = rate(official, "v-proof-other", level=2, reason="别人的评价")
    proof = rating_proof(rating=world["bad"])
    body = json.dumps(proof, ensure_ascii=False)
    for rating in (world["bad"], other):
        rating.refresh_from_db()
        assert rating.voter_key not in body
        assert rating.network_key not in body or not rating.network_key
    assert office.username not in body
    assert "v-proof-2" not in body  # another voter's rating is only a hash
    for seal in proof["seals"]:  # who revoked / recorded the call-back: one hash
        assert not {"actor_id", "recorded_by_id", "decided_by_id"} & set(seal["values"])
        assert "private_sha256" in seal["values"]
    assert proof_verify(proof=proof) == []


def day_files(client, tmp_path):
    """Every published day downloaded as an outsider does, oldest first."""
    files = []
    for day in DailyHeadDigest.objects.order_by("day").values_list("day", flat=True):
        response = client.get(f"/transparency/{day.isoformat()}.json")
        assert response.status_code == 200
        files.append(tmp_path / f"{day.isoformat()}.json")
        files[-1].write_bytes(response.content)
    return files


def test_the_standalone_verifier_passes_every_day_the_demo_published(client, demo, tmp_path):
    files = day_files(client, tmp_path)
    assert len(files) == 30
    problems = [
        (day.name, proof_check.standalone.main([str(day), "--previous", str(previous)]))
        for previous, day in zip(files, files[1:], strict=False)
    ]
    assert [p for p in problems if p[1] != 0] == []
    last = tmp_path / "proof.json"
    for proof in (case_proof(case=demo["case"]), rating_proof(rating=demo["bad"])):
        last.write_text(json.dumps(proof), encoding="utf-8")
        result = run_script(tmp_path / proof["day_file"], last)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("edit, make_proof, reason", EDITS, ids=EDIT_IDS)
def test_the_demos_days_no_longer_prove_a_record_after_a_raw_sql_edit(
    client, demo, tmp_path, edit, make_proof, reason
):
    day_files(client, tmp_path)
    edit(demo)
    proof = make_proof(demo)
    proof_file = tmp_path / "proof.json"
    proof_file.write_text(json.dumps(proof), encoding="utf-8")
    result = run_script(tmp_path / proof["day_file"], proof_file)
    assert result.returncode == 1 and reason in result.stdout, result.stdout


def rehash_as_before_content_hashes(chain, *, old_rule=True):
    """A chain as it was written before links committed to content hashes (link_hash_v1), or
    rehashed under today's rule after a raw edit (an attacker who recomputes the chain)."""
    from portal.audit.hashing import GENESIS, link_hash, link_hash_v1
    from portal.audit.models import AuditEvent
    from portal.audit.services import roundtrip

    prev, rule = GENESIS, link_hash_v1 if old_rule else link_hash
    for event in AuditEvent.objects.filter(chain=chain).order_by("seq"):
        digest = rule(prev, roundtrip({**event.payload(), "seq": event.seq}))
        raw(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [prev, digest, event.pk],
        )
        prev = digest
    raw("UPDATE audit_chainhead SET head_hash = %s WHERE chain = %s", [prev, chain])


def test_a_chain_written_before_content_hashes_still_verifies_but_gets_no_proof(official, office):
    """An old link can only be shown whole (staff account and all): refuse the proof."""
    from portal.audit.registry import verify_audit_events

    case, _ = CaseFactory()
    case_accept(case=case, actor=office)
    rehash_as_before_content_hashes(case.audit_chain)
    assert verify_audit_events() == []
    assert_refused_as_old(lambda: case_proof(case=case))


def assert_refused_as_old(make_proof):
    from portal.reporting.proofs import ERR_LEGACY

    audit_head_publish()
    with pytest.raises(ProofUnavailable) as refused:
        make_proof()
    assert refused.value.message == ERR_LEGACY


def test_a_seal_written_before_public_parts_still_verifies_but_gets_no_proof(official, office):
    from portal.audit.models import AuditEvent
    from portal.audit.registry import verify_audit_events
    from portal.audit.seals import content_hash_v1, kinds, verify_seals

    bad = rate(official, "v-proof-old", level=2, reason="态度差")
    revocation = rating_revoke(rating=bad, actor=office, reason="恶意评价")
    kind = kinds["revocation"]
    values = kind.model.objects.filter(pk=revocation.pk).values(*kind.fields).get()
    event = AuditEvent.objects.get(action="rating_revoke", object_id=str(bad.pk))
    after = {
        **event.after,
        "seal": {**event.after["seal"], "hash": content_hash_v1(kind, revocation.pk, values)},
    }
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    raw(
        f"UPDATE audit_auditevent SET after = %s{cast} WHERE id = %s", [json.dumps(after), event.pk]
    )
    rehash_as_before_content_hashes(event.chain, old_rule=False)  # only the seal is old
    assert verify_seals() == [] and verify_audit_events() == []
    assert_refused_as_old(lambda: rating_proof(rating=bad))
