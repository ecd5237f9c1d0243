#!/usr/bin/env python3
"""The store's promises, through the CLI: a verifiable audit chain that names the first altered
record, replays that reproduce decisions exactly, and replays that list exactly what a
configuration change moves."""
import json
import os
import shutil
import sqlite3
import tempfile

from clitest import json_lines, main, run

SCENARIO = "examples/scenario-2-ssh-brute-force"


def alerts_for(root):
    with open(os.path.join(root, SCENARIO, "alert.json")) as f:
        base = json.load(f)
    alerts = []
    # The reference alert, the same attack from unknown addresses, and unrelated generic alerts.
    for i, ip in enumerate(["185.220.101.34", "203.0.113.50", "198.51.100.23", "185.220.101.34"]):
        a = json.loads(json.dumps(base))
        a["kibana.alert.uuid"] = f"alert-{i}"
        a["source"]["ip"] = ip
        a["@timestamp"] = a["kibana.alert.original_time"] = f"2026-03-11T14:2{i}:40.000Z"
        alerts.append(a)
    alerts.append({"title": "Port scan detected", "id": "generic-1", "timestamp": "2026-03-11T15:00:00Z",
                   "src_ip": "203.0.113.99", "dst_ip": "10.20.0.15"})
    return alerts


def make_store(binary, root, tmp):
    path = os.path.join(tmp, "alerts.jsonl")
    with open(path, "w") as f:
        for a in alerts_for(root):
            f.write(json.dumps(a) + "\n")
    db = os.path.join(tmp, "store.db")
    ctx = os.path.join(root, SCENARIO, "context")
    result = run(binary, "triage", "--db", db, "--context", ctx, path)
    assert result.returncode == 0, result.stderr
    return db, ctx, json_lines(result.stdout)


def verify(binary, db):
    result = run(binary, "audit", "verify", "--db", db)
    return result.returncode, json_lines(result.stdout)[0]


def audit_record_of(db, alert_id):
    con = sqlite3.connect(db)
    seq = con.execute("select seq from audit where kind='triage' and ref=?", (alert_id,)).fetchone()[0]
    con.close()
    return seq


def tamper(db, sql, params=()):
    con = sqlite3.connect(db)
    con.execute(sql, params)
    con.commit()
    con.close()


def test_untouched_chain_verifies(binary, root):
    with tempfile.TemporaryDirectory() as tmp:
        db, _, decisions = make_store(binary, root, tmp)
        code, report = verify(binary, db)
        assert code == 0 and report["ok"] and report["records_checked"] == len(decisions), report
        # Printed decisions carry their audit stamp.
        assert all("audit" in d and len(d["audit"]["hash"]) == 64 for d in decisions)


def check_tampering(binary, root, alter):
    with tempfile.TemporaryDirectory() as tmp:
        db, _, _ = make_store(binary, root, tmp)
        target = "alert-2"
        alter(db, target)
        code, report = verify(binary, db)
        assert code == 1, report
        assert not report["ok"] and report["first_bad_record"] == audit_record_of(db, target), report


def test_altered_classification_is_named(binary, root):
    check_tampering(binary, root, lambda db, a: tamper(
        db, "update triages set classification='FALSE_POSITIVE' where alert_id=?", (a,)))


def test_altered_decision_blob_is_named(binary, root):
    # Raw alert, stage states and decision share one stored body; its last bytes are the decision.
    check_tampering(binary, root, lambda db, a: tamper(
        db, "update triages set body = cast(body || x'20' as blob) where alert_id=?", (a,)))


def test_altered_raw_alert_is_named(binary, root):
    check_tampering(binary, root, lambda db, a: tamper(
        db, "update triages set body = x'7b7d', codec = 0, dictionary_id = null, raw_size = 2, "
            "state_size = 0, decision_size = 0 where alert_id=?", (a,)))


def test_altered_stage_state_is_named(binary, root):
    check_tampering(binary, root, lambda db, a: tamper(
        db, "update triages set raw_size = raw_size - 1, state_size = state_size + 1 "
            "where alert_id=?", (a,)))


def test_altered_audit_row_is_named(binary, root):
    check_tampering(binary, root, lambda db, a: tamper(
        db, "update audit set time = time + 1 where ref=?", (a,)))


def test_printed_decision_is_the_stored_one_plus_its_audit_stamp(binary, root):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "alerts.jsonl")
        with open(path, "w") as f:
            for a in alerts_for(root):
                f.write(json.dumps(a) + "\n")
        db = os.path.join(tmp, "store.db")
        ctx = os.path.join(root, SCENARIO, "context")
        stored = run(binary, "triage", "--db", db, "--output", "json", "--context", ctx, path)
        plain = run(binary, "triage", "--output", "json", "--context", ctx, path)
        assert stored.returncode == 0 and plain.returncode == 0, stored.stderr
        with_store = stored.stdout.decode().splitlines()
        without = plain.stdout.decode().splitlines()
        assert len(with_store) == len(without) == 5
        con = sqlite3.connect(db)
        hashes = dict(con.execute("select seq, hash from audit"))
        con.close()
        for line, reference in zip(with_store, without):
            decision = json.loads(line)
            audit = decision.pop("audit")
            assert hashes[audit["record"]] == audit["hash"]
            # Byte for byte what the decision serializer writes, the audit member last.
            assert line == reference[:-1] + ',"audit":' + json.dumps(audit, separators=(",", ":")) + "}"


def test_replay_of_unchanged_store_changes_nothing(binary, root):
    with tempfile.TemporaryDirectory() as tmp:
        db, ctx, _ = make_store(binary, root, tmp)
        result = run(binary, "replay", "--db", db, "--context", ctx)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == b"", result.stdout
        summary = json_lines(result.stderr)[-1]
        assert summary == {"replayed": 5, "changed": 0}, summary


def test_replay_after_threshold_change_lists_exactly_the_movers(binary, root):
    with tempfile.TemporaryDirectory() as tmp:
        db, ctx, decisions = make_store(binary, root, tmp)
        new_critical = 20
        config = os.path.join(tmp, "stricter.yaml")
        with open(config, "w") as f:
            f.write(f"thresholds:\n  critical: {new_critical}\n  true_positive: 15\n  review: 10\n  auto_close: 5\n")
        # Independently of the engine: with these bands every stored decision whose score is
        # above the new critical line becomes critical; everything else keeps its class.
        movers = {d["alert_id"] for d in decisions if d["risk_score"] > new_critical and d["severity"] != "critical"}
        assert movers, "the fixture must contain decisions that move"
        result = run(binary, "replay", "--db", db, "--context", ctx, "--config", config)
        assert result.returncode == 0, result.stderr
        changes = json_lines(result.stdout)
        listed = {c["alert_id"] for c in changes}
        assert listed >= movers, (listed, movers)
        for c in changes:
            if c["alert_id"] in movers:
                assert c["changes"]["severity"]["after"] == "critical", c
        unchanged = {d["alert_id"] for d in decisions if d["risk_score"] < 10}
        assert not (listed & unchanged), (listed, unchanged)


def test_a_store_written_with_both_codecs_verifies_and_replays_unchanged(binary, root):
    with tempfile.TemporaryDirectory() as tmp:
        db, ctx, first = make_store(binary, root, tmp)
        config = os.path.join(tmp, "zstd.yaml")
        with open(config, "w") as f:
            f.write("store:\n  compression: zstd\n")
        later = os.path.join(tmp, "later.jsonl")
        with open(later, "w") as f:
            for a in alerts_for(root):
                a["kibana.alert.uuid"] = "later-" + a.get("kibana.alert.uuid", "generic")
                a["id"] = "later-" + a.get("id", "x")
                f.write(json.dumps(a) + "\n")
        result = run(binary, "triage", "--db", db, "--context", ctx, "--config", config, later)
        assert result.returncode == 0, result.stderr
        con = sqlite3.connect(db)
        codecs = dict(con.execute("select codec, count(*) from triages group by codec"))
        con.close()
        # LZ4 (2) by default, zstd (1) once configured; one file holds both.
        assert codecs == {2: len(first), 1: len(json_lines(result.stdout))}, codecs
        code, report = verify(binary, db)
        assert code == 0 and report["ok"], report
        for extra in ([], ["--config", config]):
            replayed = run(binary, "replay", "--db", db, "--context", ctx, *extra)
            assert replayed.returncode == 0, replayed.stderr
            assert json_lines(replayed.stderr)[-1] == {"replayed": 10, "changed": 0}, replayed.stderr


if __name__ == "__main__":
    main([(n, f) for n, f in sorted(globals().items()) if n.startswith("test_")])
