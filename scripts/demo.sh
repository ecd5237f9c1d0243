#!/usr/bin/env bash
# One command for a newcomer: install, build, then triage the three reference scenarios into a
# SQLite store, print the analyst summaries, and verify the audit trail.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
mkdir -p out
for scenario in examples/scenario-*/; do
  name=$(basename "$scenario")
  db="out/${name}.db"
  rm -f "$db" "$db-wal" "$db-shm"
  echo "== ${name}"
  build/soc-triage triage --db "$db" --context "${scenario}context" --output text "${scenario}alert.json"
  printf 'audit: '
  build/soc-triage audit verify --db "$db"
  build/soc-triage replay --db "$db" --context "${scenario}context"
done
echo "Decisions as JSON: build/soc-triage triage --context examples/scenario-1-phishing-attachment/context examples/scenario-1-phishing-attachment/alert.json"
