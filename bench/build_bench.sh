#!/usr/bin/env bash
# How long the build takes, on fresh clones of this checkout's HEAD:
#   1. a cold build (scripts/build.sh) with an empty compiler cache;
#   2. the rebuild after touching one .cc (service/report_service.cc);
#   3. the rebuild after touching a header most files include
#      (domain/report/report.h);
#   4. the README's test command (scripts/test.sh) on a second clone in
#      another folder, with the cache the first one filled.
# Prints one line a figure. Uses a cache of its own (ccache's CCACHE_DIR in
# a temporary folder), so the machine's cache is neither used nor changed.
# Takes as long as two builds and the tests: run it on a quiet machine.
#
#   bash bench/build_bench.sh            # figures 1-4
#   bash bench/build_bench.sh --no-tests # figures 1-3
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/infrashare-build-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export CCACHE_DIR="$work/ccache"
mkdir -p "$CCACHE_DIR"

seconds() {  # runs "$@" quietly, prints the wall seconds it took
  local start end
  start=$(date +%s.%N)
  "$@" >"$work/last.log" 2>&1 || { tail -30 "$work/last.log" >&2; return 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

git clone -q "$root" "$work/a"
git clone -q "$root" "$work/b"
echo "commit $(git -C "$work/a" rev-parse --short HEAD), $(nproc) cores, ccache: $(command -v ccache || echo none)"
echo "cold build:                  $(seconds bash "$work/a/scripts/build.sh") s"
touch "$work/a/src/service/report_service.cc"
echo "after touching one .cc:      $(seconds cmake --build "$work/a/build" -j "$(nproc)") s"
touch "$work/a/src/domain/report/report.h"
echo "after touching report.h:     $(seconds cmake --build "$work/a/build" -j "$(nproc)") s"
if [ "${1:-}" != "--no-tests" ]; then
  echo "test command, warm cache:    $(seconds bash "$work/b/scripts/test.sh") s (another folder)"
  grep -E "tests passed|tests failed" "$work/last.log" || true
fi
command -v ccache >/dev/null && ccache -s | grep -Ei "hits|misses" | head -4
