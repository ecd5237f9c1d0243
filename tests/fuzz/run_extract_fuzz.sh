#!/bin/sh
# Builds the extractor's libFuzzer target with clang (ASan + UBSan) and runs it for N seconds.
# Usage: tests/fuzz/run_extract_fuzz.sh [SECONDS] [BUILD_DIR]   (default 60 s, /tmp/extract-fuzz)
# Needs clang and libFuzzer (Debian: clang, libclang-rt-14-dev). Exit status is non-zero when the
# fuzzer finds a crash, a sanitizer report or a broken invariant; the reproducer is left in
# BUILD_DIR. Sources are compiled directly so the target does not depend on the CMake build.
set -eu
seconds=${1:-60}
out=${2:-/tmp/extract-fuzz}
root=$(cd "$(dirname "$0")/../.." && pwd)
cxx=${CXX_FUZZ:-}
if [ -z "$cxx" ]; then
  for candidate in clang++ clang++-14 clang++-15 clang++-16; do
    if command -v "$candidate" >/dev/null 2>&1; then cxx=$candidate; break; fi
  done
fi
[ -n "$cxx" ] || { echo "run_extract_fuzz.sh: clang++ not found" >&2; exit 2; }
mkdir -p "$out/corpus"
# Seed the corpus with the data-driven cases, one input per case text.
awk -v dir="$out/corpus" '/^> /{n++; f=dir "/case" n; sub(/^> /, ""); print > f; close(f)}' \
  "$root/tests/data/extract/cases.txt"
"$cxx" -std=c++2b -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I "$root/src" -I "$out" \
  "$root/tests/fuzz/extract_fuzz.cpp" "$root"/src/extract/*.cpp "$root/src/core/observable.cpp" \
  -lcrypto -o "$out/extract_fuzz"
cd "$out"
./extract_fuzz -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 corpus
