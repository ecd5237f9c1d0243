#!/usr/bin/env bash
# One command for the whole test suite: install, build, run every test (unit, golden, CLI, fuzz
# smoke). This is what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc)" --timeout 900
