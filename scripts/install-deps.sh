#!/usr/bin/env bash
# Installs every Debian 12 package soc-triage needs to build, test and run. Idempotent.
set -euo pipefail
PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libsimdjson-dev nlohmann-json3-dev libcpp-httplib-dev libyaml-cpp-dev libsqlite3-dev sqlite3
  libspdlog-dev libfmt-dev libcli11-dev libssl-dev libcurl4-openssl-dev libzstd-dev liblz4-dev libjemalloc-dev
  publicsuffix
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev clang-format
  python3 python3-jsonschema
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
