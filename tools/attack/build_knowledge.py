#!/usr/bin/env python3
"""Builds data/knowledge/sigma_titles.tsv from SigmaHQ rules and checks keywords.tsv.

Runs at development time; its outputs are committed. Standard library only: the Sigma rules
are read with a small line-based reader of the top-level `title:`, `id:`, `level:`, `author:`
and the `tags:` list, which is all the knowledge base needs.

Outputs, in data/knowledge/:
  sigma_titles.tsv  title (lower-cased), sigma_id, level, techniques, tactics, author
  LICENSE           the Detection Rule License 1.1 text shipped with the rules, copied
  README.md         source, commit, licence and attribution, formats, how to regenerate
Checks (exit status 1 on failure): every technique id in the hand-written keywords.tsv exists
in data/attack/techniques.tsv, and every row of it is well formed.

Usage: tools/attack/build_knowledge.py [--shared /work/shared] [--repo .]
"""

import argparse
import re
import shutil
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
RULE_DIRS = ("rules", "rules-emerging-threats", "rules-threat-hunting")
TECHNIQUE_TAG = re.compile(r"^attack\.(t\d{4}(?:\.\d{3})?)$")
TACTIC_TAG = re.compile(r"^attack\.([a-z]+(?:-[a-z]+)*)$")
TECHNIQUE_ID = re.compile(r"^T\d{4}(\.\d{3})?$")


def strip_comment(value):
    """Drops a YAML comment: '#' at the start or after whitespace, outside quotes."""
    quote = None
    for i, ch in enumerate(value):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"" and (i == 0 or value[i - 1] in " \t[,"):
            quote = ch
        elif ch == "#" and (i == 0 or value[i - 1] in " \t"):
            return value[:i].strip()
    return value.strip()


def scalar(value):
    """A one-line YAML scalar: plain, 'single' ('' escapes a quote) or "double" quoted."""
    value = strip_comment(value)
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value


def read_rule(text):
    """Top-level title, id, level and tags of one Sigma rule (first document only)."""
    rule = {"title": "", "id": "", "level": "", "author": "", "tags": []}
    in_tags = False
    for line in text.splitlines():
        if line.strip() == "---":
            break  # later documents of a multi-document rule repeat or extend the first
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        top_level = not line[0].isspace()
        if in_tags:
            item = line.strip()
            if not top_level and item.startswith("- "):
                rule["tags"].append(scalar(item[2:]))
                continue
            if not top_level:
                continue
            in_tags = False
        if not top_level or ":" not in line:
            continue
        key, value = line.split(":", 1)
        key = key.strip()
        if key in ("title", "id", "level", "author"):
            rule[key] = scalar(value)
        elif key == "tags":
            value = strip_comment(value)
            if value.startswith("[") and value.endswith("]"):
                rule["tags"] = [scalar(v) for v in value[1:-1].split(",") if v.strip()]
            else:
                in_tags = True
    return rule


def clean(field):
    return " ".join(field.split())  # no tabs or newlines may reach a TSV cell


def sigma_rows(sigma_dir):
    rows, files = [], 0
    for sub in RULE_DIRS:
        for path in sorted((sigma_dir / sub).rglob("*.yml")):
            files += 1
            rule = read_rule(path.read_text(encoding="utf-8"))
            techniques, tactics = [], []
            for tag in rule["tags"]:
                tag = tag.strip().lower()
                if m := TECHNIQUE_TAG.match(tag):
                    tid = m.group(1).upper()
                    if tid not in techniques:
                        techniques.append(tid)
                elif (m := TACTIC_TAG.match(tag)) and m.group(1) not in tactics:
                    tactics.append(m.group(1))
            if not techniques:
                continue
            if not rule["title"] or not rule["id"]:
                sys.exit(f"{path}: a tagged rule without title or id")
            rows.append((clean(rule["title"]).lower(), clean(rule["id"]).lower(),
                         clean(rule["level"]).lower(), ";".join(techniques), ";".join(tactics),
                         clean(rule["author"])))
    rows.sort(key=lambda r: (r[0], r[1]))
    return rows, files


def catalog_ids(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    if not lines or lines[0].split("\t")[0] != "id":
        sys.exit(f"{path}: not a techniques.tsv")
    return {line.split("\t")[0] for line in lines[1:] if line}


def check_keywords(path, known_ids):
    """Validates the hand-written keyword rules; returns the number of rules."""
    errors, rules = [], 0
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    if not lines or lines[0] != "keywords\ttechniques\tnote":
        sys.exit(f"{path}: header must be 'keywords<TAB>techniques<TAB>note'")
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 3:
            errors.append(f"line {number}: {len(cells)} columns, expected 3")
            continue
        keywords, techniques, note = cells
        slots = keywords.split(";")
        if not note.strip():
            errors.append(f"line {number}: empty note")
        if not any(s and not s.startswith("!") for s in slots):
            errors.append(f"line {number}: no positive keyword")
        for slot in slots:
            for alternative in slot.lstrip("!").split("|"):
                if not re.fullmatch(r"[a-z0-9]+\*?(?: [a-z0-9]+\*?)*", alternative):
                    errors.append(f"line {number}: keyword {alternative!r} is not lower-case "
                                  "words (each may end in *) separated by single spaces")
        for tid in techniques.split(";"):
            if not TECHNIQUE_ID.match(tid):
                errors.append(f"line {number}: malformed technique id {tid!r}")
            elif tid not in known_ids:
                errors.append(f"line {number}: {tid} is not a live technique in the catalog")
        rules += 1
    if errors:
        sys.exit(f"{path}:\n  " + "\n  ".join(errors))
    return rules


def source_commit(source_md):
    match = re.search(r"^commit:\s*([0-9a-f]{40})", source_md, re.M)
    if not match:
        sys.exit("no commit line in SOURCE.md")
    return match.group(1)


def write_readme(out_dir, commit, rule_files, rows, keyword_rules):
    text = f"""# data/knowledge: alert title -> ATT&CK technique knowledge base

Read by `AttackMapper::load()` (src/attack/catalog.hpp) to map alerts that arrive without
technique tags.

## sigma_titles.tsv (generated from SigmaHQ rules)

Source: github.com/SigmaHQ/sigma at commit {commit},
folders {", ".join(RULE_DIRS)}: {rule_files} rule files, of which the {len(rows)} rules
with at least one ATT&CK technique tag are kept.

Licence: the Sigma rules are released under the Detection Rule License (DRL) 1.1
(github.com/SigmaHQ/Detection-Rule-License); `LICENSE` beside this file is the SigmaHQ
repository's licence statement, copied unchanged. The DRL asks that shared copies keep each
rule's author, a link to the rule set and the licence, and that messages based on matches with
a rule name its author. So: the titles, ids, levels and tags in sigma_titles.tsv come from the
rules written by the SigmaHQ project and its contributors; each row keeps the rule's `author:`
field, and the mapper's evidence for a Sigma match names that author beside the rule title.
The table is a derived extract: only the columns below are kept, titles are lower-cased.

Tab-separated, UTF-8, one header line, sorted by title then id.

| column | meaning |
| --- | --- |
| title | the rule's `title:`, lower-cased, whitespace collapsed |
| sigma_id | the rule's `id:` (a UUID, lower-cased) |
| level | `level:`: informational, low, medium, high or critical |
| techniques | technique ids from tags `attack.tNNNN[.NNN]`, upper-cased, `;`-joined |
| tactics | tactic names from tags `attack.<tactic>` as written (e.g. credential-access), `;`-joined |
| author | the rule's `author:` field, as written (DRL attribution) |

Sigma at this commit already uses tactic and technique names newer than ATT&CK v18 (tactics
`stealth`, `defense-impairment`; techniques such as T1685): they are kept as written, and the
mapper drops technique ids the catalog does not know when it loads the table.

## keywords.tsv (hand-written for soc-triage)

Common SIEM alert titles carry no tags ("Failed SSH login attempts > 50 in 5 min"): these
{keyword_rules} rules map them. Tab-separated, one header line; lines starting with `#` are
comments.

| column | meaning |
| --- | --- |
| keywords | `;`-separated slots that must all be satisfied. A slot lists alternatives split by `\\|`; it is satisfied when one of them appears in the alert's rule name or description. A slot starting with `!` is satisfied when none of its alternatives appears. |
| techniques | `;`-joined technique ids the rule implies; each must exist in data/attack/techniques.tsv |
| note | why the mapping holds, for reviewers |

Matching: ASCII case-insensitive, on words: runs of letters and digits, where a non-ASCII
letter belongs to its word (so an accented word matches no keyword) and every other character
separates words (`_`, non-breaking spaces and Unicode dashes included): `cmd.exe` matches
`cmd exe`, `brute-force` matches `brute force`. An alternative of several words matches those
words in sequence, within the rule name or within the description. Each keyword word matches a
whole word of the text, or that word followed by `s` or `es` (plurals); a word ending in `*` is a
prefix (`encrypt*` matches encrypted, encryption). Only the first 8 KiB of each text is read.

Choices worth knowing (each rule's note gives its reason):
- Failed or brute-forced SSH/RDP logins map to password guessing (T1110.001) only: a failed
  login is not use of the remote service, so T1021.004 / T1021.001 are not implied.
- SMB with RPC ("Unusual SMB/RPC activity") maps to SMB/Windows Admin Shares (T1021.002): RPC
  there rides on SMB named pipes. RPC without SMB, or DCOM, maps to T1021.003.
- A bare parent technique from a vague keyword ("brute force" -> T1110) is dropped by the mapper
  when any source also found one of its sub-techniques.
- Trojans and malware map to User Execution: Malicious File (T1204.002) only when the text says
  an executable ran and, for trojans, not when it sits in an e-mail (then T1566.001 applies).
tests/data/attack/alert_titles.tsv lists titles and the exact techniques they must map to.

## Regenerating

    python3 tools/attack/build_knowledge.py --shared /work/shared

rewrites sigma_titles.tsv, LICENSE and this README, and fails if a keywords.tsv row is
malformed or names a technique missing from data/attack/techniques.tsv (run
tools/attack/build_catalog.py first when the catalog changes).
"""
    (out_dir / "README.md").write_text(text, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("/work/shared"))
    parser.add_argument("--repo", type=Path, default=REPO_ROOT)
    args = parser.parse_args()

    sigma_dir = args.shared / "data" / "sigma"
    out_dir = args.repo / "data" / "knowledge"
    known_ids = catalog_ids(args.repo / "data" / "attack" / "techniques.tsv")
    keyword_rules = check_keywords(out_dir / "keywords.tsv", known_ids)

    rows, rule_files = sigma_rows(sigma_dir)
    with open(out_dir / "sigma_titles.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write("title\tsigma_id\tlevel\ttechniques\ttactics\tauthor\n")
        for row in rows:
            f.write("\t".join(row) + "\n")
    shutil.copyfile(sigma_dir / "LICENSE", out_dir / "LICENSE")
    commit = source_commit((sigma_dir / "SOURCE.md").read_text(encoding="utf-8"))
    write_readme(out_dir, commit, rule_files, rows, keyword_rules)

    unknown = sorted({t for row in rows for t in row[3].split(";") if t not in known_ids})
    print(f"{len(rows)} tagged Sigma rules of {rule_files}, {keyword_rules} keyword rules "
          f"-> {out_dir}")
    if unknown:
        print(f"note: Sigma technique ids absent from the catalog (dropped at load): "
              f"{', '.join(unknown)}")


if __name__ == "__main__":
    main()
