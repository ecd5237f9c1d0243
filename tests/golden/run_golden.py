#!/usr/bin/env python3
"""Golden end-to-end cases: each tests/golden/<case>/case.json names a base example, the facts
it changes (alert fields, context files), and what the decision must then be. The real binary
triages it; every decision is validated against contract/decision.schema.json.
"""
import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile

import jsonschema


def set_path(obj, path, value):
    # A path is a list of keys; a first key containing dots may be a flattened Elastic field.
    cur = obj
    for key in path[:-1]:
        cur = cur.setdefault(key, {})
    if value is None:
        cur.pop(path[-1], None)
    else:
        cur[path[-1]] = value


def apply_context_edit(ctx, edit):
    path = os.path.join(ctx, edit["file"])
    if edit.get("delete"):
        if os.path.exists(path):
            os.remove(path)
        return
    if "write_text" in edit:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(edit["write_text"])
    if "append_jsonl" in edit:
        with open(path, "a", encoding="utf-8") as f:
            for row in edit["append_jsonl"]:
                f.write(json.dumps(row) + "\n")
    if "replace_text" in edit:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        old, new = edit["replace_text"]
        if old not in text:
            raise AssertionError(f"{edit['file']}: text to replace not found: {old!r}")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(old, new))
    if "json_set" in edit:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for p, v in edit["json_set"]:
            set_path(doc, p, v)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f)


def check(case, decisions, result):
    errors = []
    exp = case["expect"]
    if "exit_code" in exp and result.returncode != exp["exit_code"]:
        errors.append(f"exit code {result.returncode}, expected {exp['exit_code']}")
    for s in exp.get("stderr_match", []):
        if s not in result.stderr:
            errors.append(f"stderr does not mention {s!r}: {result.stderr[:300]}")
    index = exp.get("decision_index", -1)
    if not decisions:
        return errors + ["no decision printed; stderr: " + result.stderr[:500]]
    d = decisions[index]
    for key in ("classification", "severity", "priority"):
        if key in exp and d[key] != exp[key]:
            errors.append(f"{key} is {d[key]}, expected {exp[key]}")
    if "classification_not" in exp and d["classification"] == exp["classification_not"]:
        errors.append(f"classification must not be {exp['classification_not']}")
    if "risk_score" in exp:
        lo, hi = exp["risk_score"]
        if not lo <= d["risk_score"] <= hi:
            errors.append(f"risk_score {d['risk_score']} outside [{lo}, {hi}]")
    if "escalation_level" in exp and d["escalation"]["level"] != exp["escalation_level"]:
        errors.append(f"escalation {d['escalation']['level']}, expected {exp['escalation_level']}")
    for ch in exp.get("notify_includes", []):
        if ch not in d["escalation"].get("notify", []):
            errors.append(f"notify lacks {ch}")
    for ch in exp.get("notify_excludes", []):
        if ch in d["escalation"].get("notify", []):
            errors.append(f"notify has {ch}")

    def matches(action, want):
        if action["type"] != want[0]:
            return False
        if len(want) > 1 and want[1] is not None and action.get("target", "").lower() != want[1].lower():
            return False
        if len(want) > 2 and want[2] is not None and action.get("status") != want[2]:
            return False
        if len(want) > 3:
            for k, v in want[3].items():
                if action.get("params", {}).get(k) != v:
                    return False
        return True

    for want in exp.get("actions_include", []):
        if not any(matches(a, want) for a in d["actions"]):
            errors.append(f"no action {want}; actions: {[(a['type'], a.get('target')) for a in d['actions']]}")
    for want in exp.get("actions_exclude", []):
        if any(matches(a, want) for a in d["actions"]):
            errors.append(f"unexpected action {want}")
    ids = [a["technique_id"] for a in d["attack"]]
    for t in exp.get("attack_include", []):
        if t not in ids:
            errors.append(f"ATT&CK {t} missing from {ids}")
    for t in exp.get("attack_exclude", []):
        if t in ids:
            errors.append(f"ATT&CK {t} should not be mapped")
    if "incident" in exp:
        if exp["incident"] and d["incident"] is None:
            errors.append("expected an incident")
        if not exp["incident"] and d["incident"] is not None:
            errors.append(f"unexpected incident {d['incident']}")
    if "incident_alert_count" in exp and d["incident"] and len(d["incident"]["alert_ids"]) != exp["incident_alert_count"]:
        errors.append(f"incident holds {len(d['incident']['alert_ids'])} alerts")
    text = " ".join(d["recommendations"]).lower()
    for s in exp.get("recommendations_match", []):
        if s.lower() not in text:
            errors.append(f"no recommendation mentioning {s!r}: {d['recommendations']}")
    for s in exp.get("recommendations_exclude", []):
        if s.lower() in text:
            errors.append(f"recommendation mentions {s!r}")
    if "reasoning_match" in exp:
        blob = json.dumps(d["reasoning"]).lower()
        for s in exp["reasoning_match"]:
            if s.lower() not in blob:
                errors.append(f"reasoning does not mention {s!r}")
    for name in exp.get("factor_positive", []):
        f = [x for x in d["score_factors"] if x["name"] == name]
        if not f or f[0]["points"] <= 0:
            errors.append(f"factor {name} should add points: {f}")
    for name in exp.get("factor_negative", []):
        f = [x for x in d["score_factors"] if x["name"] == name]
        if not f or f[0]["points"] >= 0:
            errors.append(f"factor {name} should remove points: {f}")
    return errors


def run_case(binary, root, case_dir, schema):
    with open(os.path.join(case_dir, "case.json"), encoding="utf-8") as f:
        case = json.load(f)
    base = os.path.join(root, "examples", case["example"])
    with tempfile.TemporaryDirectory() as tmp:
        ctx = os.path.join(tmp, "context")
        shutil.copytree(os.path.join(base, "context"), ctx)
        for edit in case.get("context_edits", []):
            apply_context_edit(ctx, edit)
        # A case may bring its own alert (another SIEM format of the same facts) and config.
        alert_file = os.path.join(case_dir, case["alert"]) if "alert" in case else os.path.join(base, "alert.json")
        with open(alert_file, encoding="utf-8") as f:
            alert = json.load(f)
        alerts = []
        for patch in case.get("alerts", [{}]):
            a = copy.deepcopy(alert)
            for p, v in patch.get("set", []):
                set_path(a, p, v)
            alerts.append(a)
        alert_path = os.path.join(tmp, "alerts.jsonl")
        with open(alert_path, "w", encoding="utf-8") as f:
            for a in alerts:
                f.write(json.dumps(a) + "\n")
        config = ["--config", os.path.join(case_dir, case["config"])] if "config" in case else []
        cmd = [binary, "triage", "--output", "json", "--context", ctx] + config + case.get("args", []) + [alert_path]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        decisions = []
        errors = []
        for line in result.stdout.splitlines():
            d = json.loads(line)
            try:
                jsonschema.validate(d, schema)
            except jsonschema.ValidationError as e:
                errors.append(f"schema: {e.message[:200]}")
            decisions.append(d)
        errors += check(case, decisions, result)
        return errors, decisions


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--only")
    ap.add_argument("--show", action="store_true", help="print each decision's summary")
    args = ap.parse_args()
    schema_path = os.path.join(args.root, "..", "shared", "contract", "decision.schema.json")
    if not os.path.exists(schema_path):
        schema_path = os.path.join(args.root, "tests", "golden", "decision.schema.json")
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    golden = os.path.join(args.root, "tests", "golden")
    cases = sorted(d for d in os.listdir(golden) if os.path.isfile(os.path.join(golden, d, "case.json")))
    if args.only:
        cases = [c for c in cases if args.only in c]
    passed = failed = 0
    for name in cases:
        errors, decisions = run_case(args.binary, args.root, os.path.join(golden, name), schema)
        summary = ""
        if decisions:
            d = decisions[-1]
            summary = f"{d['classification']} {d['severity']} {d['priority']} score={d['risk_score']}"
        if errors:
            failed += 1
            print(f"FAIL {name}: {summary}")
            for e in errors:
                print(f"     {e}")
        else:
            passed += 1
            print(f"ok   {name}: {summary}")
        if args.show and decisions:
            print("     " + decisions[-1]["reasoning"]["summary"])
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
