#!/bin/sh
# Builds the extractor's libFuzzer target with clang (ASan + UBSan) and runs it for N seconds.
# Usage: tests/fuzz/run_extract_fuzz.sh [SECONDS] [BUILD_DIR]
#   SECONDS    how long to fuzz (default 60)
#   BUILD_DIR  where the binary, corpus and any reproducer go (default: a new directory under
#              $TMPDIR or /tmp); never inside the source tree unless asked to.
# Runs from any directory. Needs clang and libFuzzer (Debian: clang, libclang-rt-14-dev).
# Exit status: 0 when the run ends clean, or when clang is not installed at all (it says
# "skipped"); non-zero when the target does not build (libFuzzer missing, compile error) or the
# fuzzer finds a crash, a sanitizer report, a timeout or a broken invariant (the reproducer is
# left in BUILD_DIR). Sources are compiled directly so the target does not depend on the CMake
# build.
set -eu
seconds=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
cxx=${CXX_FUZZ:-}
if [ -z "$cxx" ]; then
  for candidate in clang++ clang++-14 clang++-15 clang++-16 clang++-17 clang++-18; do
    if command -v "$candidate" >/dev/null 2>&1; then
      cxx=$candidate
      break
    fi
  done
fi
if [ -z "$cxx" ]; then
  echo "run_extract_fuzz.sh: skipped: clang with libFuzzer not installed (no clang++ found)"
  exit 0
fi
if [ $# -ge 2 ]; then
  out=$2
else
  out=$(mktemp -d "${TMPDIR:-/tmp}/extract-fuzz.XXXXXX")
fi
mkdir -p "$out/corpus"
out=$(cd "$out" && pwd)
echo "run_extract_fuzz.sh: $cxx, ${seconds}s, build and corpus in $out"
# Seed the corpus with the data-driven cases, one input per case text.
awk -v dir="$out/corpus" '/^> /{n++; f=dir "/case" n; sub(/^> /, ""); print > f; close(f)}' \
  "$root/tests/data/extract/cases.txt"
if ! "$cxx" -std=c++2b -O1 -g -fsanitize=fuzzer,address,undefined \
  -fno-sanitize-recover=undefined -I "$root/src" \
  "$root/tests/fuzz/extract_fuzz.cpp" "$root"/src/extract/*.cpp "$root/src/core/observable.cpp" \
  -lcrypto -o "$out/extract_fuzz"; then
  echo "run_extract_fuzz.sh: FAILED to build the fuzz target (a compile error above, or" \
    "libFuzzer missing: Debian libclang-rt-14-dev)" >&2
  exit 2
fi
cd "$out"
status=0
./extract_fuzz -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$out/" corpus || status=$?
if [ "$status" -ne 0 ]; then
  echo "run_extract_fuzz.sh: FAILED (exit $status); reproducer in $out" >&2
  exit "$status"
fi
echo "run_extract_fuzz.sh: clean after ${seconds}s"
