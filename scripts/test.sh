#!/usr/bin/env bash
# The second README command: install what is missing, build, run every test
# (unit, store, integration against the real server on loopback).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 600
