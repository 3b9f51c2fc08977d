#!/usr/bin/env bash
# The integration suite's bad-input tests against a sanitizer build of the
# server (AddressSanitizer and UBSan, build-fuzz/; scripts/sanitizer-build.sh):
# malformed, oversized and hostile requests must be refused without a single
# memory error or undefined behaviour in the server, which aborts on the
# first one (the test then fails). REQUIRES: build/ built (scripts/build.sh),
# for the test program.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/sanitizer-build.sh infrashare
export INFRASHARE_TEST_BINARY="$PWD/build-fuzz/src/app/infrashare"
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
build/tests/infrashare_integration_test --gtest_filter="${1:-BadInputTest.*}"
