#!/usr/bin/env bash
# Configures and builds infrashare in ./build (Release with debug info).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINFRASHARE_WERROR=ON >/dev/null
cmake --build build -j "$(nproc)"
