#!/usr/bin/env bash
# Builds TARGET... in build-fuzz/ with clang 19, AddressSanitizer, UBSan and
# libFuzzer's coverage instrumentation on every library (the build of
# scripts/fuzz.sh and scripts/sanitize.sh; -DINFRASHARE_FUZZ=ON adds the
# fuzz targets of fuzz/).
set -euo pipefail
cd "$(dirname "$0")/.."
# -O1 and line tables only: quicker to build, and enough for the
# sanitizers' stack traces.
flags="-O1 -gline-tables-only -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined"
flags+=" -fno-omit-frame-pointer"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE= -DINFRASHARE_FUZZ=ON \
  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" >/dev/null
cmake --build build-fuzz --target "$@"
