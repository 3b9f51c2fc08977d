#!/usr/bin/env bash
# Configures and builds infrashare in ./build (Release with debug info), and
# the browser UI in ./web/dist (web/README.md; its npm packages exactly as
# locked, installed again only when the lock file changed).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINFRASHARE_WERROR=ON >/dev/null
cmake --build build -j "$(nproc)"
cd web
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
