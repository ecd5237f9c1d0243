#!/usr/bin/env python3
"""Builds data/attack/ (the compact ATT&CK Enterprise catalog) from the MITRE STIX 2.0 bundle.

Runs at development time; its outputs are committed. Standard library only.

Outputs, all in data/attack/:
  techniques.tsv  id, name, tactics, group_count: one row per live technique and sub-technique
  revoked.tsv     old_id, new_id: revoked techniques and the technique that replaced them, so
                  alerts tagged by older rules (T1086 -> T1059.001) still map
  LICENSE.txt     the ATT&CK terms of use, copied unchanged
  README.md       source, commit, copyright notice, how to regenerate, column meanings

Usage: tools/attack/build_catalog.py [--shared /work/shared] [--out data/attack]
"""

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
TECHNIQUE_ID = re.compile(r"^T\d{4}(\.\d{3})?$")


def attack_id(obj):
    for ref in obj.get("external_references", []):
        if ref.get("source_name") == "mitre-attack":
            return ref.get("external_id")
    return None


def is_live(obj):
    return not obj.get("revoked", False) and not obj.get("x_mitre_deprecated", False)


def tactic_order(objects_by_ref):
    """Tactic short names in the matrix's own (kill-chain) order."""
    matrices = [o for o in objects_by_ref.values() if o["type"] == "x-mitre-matrix" and is_live(o)]
    if len(matrices) != 1:
        sys.exit(f"expected one live x-mitre-matrix, found {len(matrices)}")
    return [objects_by_ref[ref]["x_mitre_shortname"] for ref in matrices[0]["tactic_refs"]]


def build(bundle):
    objects_by_ref = {o["id"]: o for o in bundle["objects"]}
    order = tactic_order(objects_by_ref)
    rank = {name: i for i, name in enumerate(order)}

    patterns = {ref: o for ref, o in objects_by_ref.items() if o["type"] == "attack-pattern"}
    live = {ref: o for ref, o in patterns.items() if is_live(o)}
    id_of = {ref: attack_id(o) for ref, o in patterns.items()}
    for ref, tid in id_of.items():
        if not tid or not TECHNIQUE_ID.match(tid):
            sys.exit(f"attack-pattern {ref} has no usable ATT&CK id: {tid!r}")

    names = {id_of[ref]: o["name"] for ref, o in live.items()}
    live_ids = set(names)
    if len(live_ids) != len(live):
        sys.exit("two live attack-patterns share an ATT&CK id")

    live_groups = {ref for ref, o in objects_by_ref.items()
                   if o["type"] == "intrusion-set" and is_live(o)}
    groups_of = {tid: set() for tid in live_ids}
    for rel in bundle["objects"]:
        if rel["type"] != "relationship" or not is_live(rel):
            continue
        if rel["relationship_type"] != "uses" or rel["source_ref"] not in live_groups:
            continue
        target = rel["target_ref"]
        if target not in live:
            continue
        tid = id_of[target]
        groups_of[tid].add(rel["source_ref"])
        if "." in tid:  # a group using a sub-technique uses its parent too
            parent = tid.split(".")[0]
            if parent in groups_of:
                groups_of[parent].add(rel["source_ref"])

    rows = []
    for ref, o in live.items():
        tid = id_of[ref]
        name = o["name"]
        if "." in tid:
            parent = tid.split(".")[0]
            if parent not in names:
                sys.exit(f"sub-technique {tid} has no live parent")
            name = f"{names[parent]}: {name}"
        tactics = sorted({p["phase_name"] for p in o.get("kill_chain_phases", [])
                          if p.get("kill_chain_name") == "mitre-attack"},
                         key=lambda t: rank.get(t, len(rank)))
        unknown = [t for t in tactics if t not in rank]
        if unknown or not tactics:
            sys.exit(f"{tid}: tactics {tactics} not in the matrix")
        for field in (name,):
            if "\t" in field or "\n" in field:
                sys.exit(f"{tid}: tab or newline in name")
        rows.append((tid, name, ";".join(tactics), len(groups_of[tid])))
    rows.sort(key=lambda r: r[0])

    replaced_by = {}
    for rel in bundle["objects"]:
        if rel["type"] == "relationship" and rel["relationship_type"] == "revoked-by":
            if rel["source_ref"] in patterns and rel["target_ref"] in patterns:
                replaced_by.setdefault(rel["source_ref"], set()).add(rel["target_ref"])
    revoked = []
    for old, targets in replaced_by.items():
        if is_live(patterns[old]) or len(targets) != 1:
            continue
        new, seen = next(iter(targets)), {old}
        # A replacement may itself have been revoked later: follow the chain to a live one.
        while new not in live and len(replaced_by.get(new, ())) == 1 and new not in seen:
            seen.add(new)
            new = next(iter(replaced_by[new]))
        old_id = id_of[old]
        if new in live and old_id not in live_ids and id_of[new] != old_id:
            revoked.append((old_id, id_of[new]))
    revoked = sorted(set(revoked))
    if len({old for old, _ in revoked}) != len(revoked):
        sys.exit("a revoked technique has two replacements")
    return order, rows, revoked


def source_commit(source_md):
    match = re.search(r"^commit:\s*([0-9a-f]{40})", source_md, re.M)
    if not match:
        sys.exit("no commit line in SOURCE.md")
    return match.group(1)


def write_readme(out_dir, commit, order, rows, revoked):
    subs = sum(1 for r in rows if "." in r[0])
    text = f"""# data/attack: the MITRE ATT&CK Enterprise catalog

Compact tables derived from MITRE ATT&CK Enterprise v18, read by `AttackCatalog::load()`
(src/attack/catalog.hpp).

Source: github.com/mitre/cti at commit {commit}:
the enterprise-attack STIX 2.0 objects (attack-pattern, x-mitre-tactic, x-mitre-matrix,
intrusion-set, relationship).

## Copyright and terms of use

© 2025 The MITRE Corporation. This work is reproduced and distributed with the permission of
The MITRE Corporation.

ATT&CK® is a registered trademark of The MITRE Corporation. The terms of use are in
`LICENSE.txt` beside this file (copied unchanged from the source); they must travel with any
copy of these tables.

## Files

`techniques.tsv`: tab-separated, UTF-8, one header line, then one row per technique and
sub-technique that is neither revoked nor deprecated, sorted by id:
{len(rows)} rows, {len(rows) - subs} techniques and {subs} sub-techniques.

| column | meaning |
| --- | --- |
| id | ATT&CK id (`external_references` entry with `source_name` mitre-attack): `T1059`, `T1059.001` |
| name | technique name; a sub-technique is written `Parent: Sub`, e.g. `Command and Scripting Interpreter: PowerShell` |
| tactics | tactic short names (`kill_chain_phases.phase_name`), `;`-joined, in kill-chain order |
| group_count | distinct live intrusion sets (groups) with a `uses` relationship to the technique; a parent also counts the groups that use any of its sub-techniques |

`revoked.tsv`: tab-separated, one header line, then `old_id`, `new_id` for each revoked
technique and the live technique MITRE says replaced it, {len(revoked)} rows (a chain of
revocations is followed to its live end). Alerts tagged by older rules (for example `T1086`, now `T1059.001`) are mapped through it. Deprecated
techniques have no replacement and are in neither file.

The 14 tactics in kill-chain order (`AttackCatalog::tactics()`):
{", ".join(order)}.

## Regenerating

    python3 tools/attack/build_catalog.py --shared /work/shared --out data/attack

reads `<shared>/data/attack/enterprise-attack.json`, `SOURCE.md` and `LICENSE.txt`, and
rewrites every file here. Then rerun `tools/attack/build_knowledge.py`, which checks the
knowledge base in data/knowledge/ against the new catalog.
"""
    (out_dir / "README.md").write_text(text, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("/work/shared"))
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "data" / "attack")
    args = parser.parse_args()

    source_dir = args.shared / "data" / "attack"
    with open(source_dir / "enterprise-attack.json", encoding="utf-8") as f:
        bundle = json.load(f)
    order, rows, revoked = build(bundle)
    if len(order) != 14:
        sys.exit(f"expected 14 Enterprise tactics, found {len(order)}")

    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "techniques.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write("id\tname\ttactics\tgroup_count\n")
        for tid, name, tactics, groups in rows:
            f.write(f"{tid}\t{name}\t{tactics}\t{groups}\n")
    with open(args.out / "revoked.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write("old_id\tnew_id\n")
        for old_id, new_id in revoked:
            f.write(f"{old_id}\t{new_id}\n")
    shutil.copyfile(source_dir / "LICENSE.txt", args.out / "LICENSE.txt")
    commit = source_commit((source_dir / "SOURCE.md").read_text(encoding="utf-8"))
    write_readme(args.out, commit, order, rows, revoked)
    print(f"{len(rows)} techniques, {len(revoked)} revoked ids -> {args.out}")


if __name__ == "__main__":
    main()
