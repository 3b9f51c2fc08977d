#!/usr/bin/env bash
# The second README command: install what is missing, build, run every test
# (unit, store on SQLite and PostgreSQL, integration against the real server
# on loopback, the OpenAPI document and real answers against a validator,
# the browser UI in Chromium, and each fuzz target for a few seconds).
# The PostgreSQL tests run on a throwaway cluster (scripts/pg-test-cluster.sh)
# that is stopped however the tests end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
bash scripts/build.sh
# clang-format and clang-tidy (.clang-format, .clang-tidy) on the C++ files
# the last commit changed (scripts/lint.sh).
if git rev-parse -q --verify HEAD~1 >/dev/null 2>&1; then
  bash scripts/lint.sh HEAD~1
else
  echo "lint: no previous commit in this checkout; skipped"
fi
# Every parser of outside input under libFuzzer with AddressSanitizer and
# UBSan, briefly (scripts/fuzz.sh: a build of its own in build-fuzz/).
bash scripts/fuzz.sh 10
# The bad-input tests against the server built with the same sanitizers.
bash scripts/sanitize.sh
# The OpenAPI check's validator and the browser tests' driver, exactly as
# locked (tests/openapi/, tests/e2e/ package-lock.json).
(cd tests/openapi && npm ci --no-audit --no-fund --loglevel=error)
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
root="$PWD"
pg_env="$root/build/pg-test-$$.env"
trap 'bash "$root/scripts/pg-test-cluster.sh" stop "$pg_env"' EXIT
bash scripts/pg-test-cluster.sh start "$pg_env" >/dev/null
# shellcheck source=/dev/null
. "$pg_env"
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 600
