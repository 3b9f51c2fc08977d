#!/usr/bin/env bash
# Installs what infrashare needs from Debian 12's packages, if missing
# (postgresql: the server binaries; the tests start a cluster of their own,
# scripts/pg-test-cluster.sh; nodejs and npm: the browser UI's build, web/,
# and the Node.js tests, only when no `node` is on the PATH; clang-format
# and clang-tidy-19: scripts/lint.sh, which the tests run on the last
# commit's files — clang-tidy 14 cannot parse <expected>).
# With --test, also what only the tests need: Chromium for the browser
# tests (tests/e2e/), a Japanese font for their screenshots, and clang 19
# with its sanitizer and libFuzzer runtimes (scripts/fuzz.sh).
set -euo pipefail
packages=(
  g++ cmake ninja-build pkg-config
  libboost-dev libboost-system-dev nlohmann-json3-dev libsqlite3-dev sqlite3
  libfmt-dev libspdlog-dev libcli11-dev libtomlplusplus-dev libssl-dev libsodium-dev libutf8proc-dev
  libgtest-dev libgmock-dev libbenchmark-dev libpq-dev postgresql
  curl procps ccache
  clang-format clang-tidy-19
)
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)
if [ "${1:-}" = "--test" ]; then packages+=(chromium fonts-ipafont-gothic clang-19 libclang-rt-19-dev); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
