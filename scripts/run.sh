#!/usr/bin/env bash
# The first README command: install what is missing, build, initialize the
# database (./data or $1) with the plan's registry, and serve on
# 127.0.0.1:8080 (or $2). Prints the administrator token before serving.
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-./data}"
listen="${2:-127.0.0.1:8080}"
bash scripts/install-deps.sh
bash scripts/build.sh
./build/src/app/infrashare init --data "$data"
exec ./build/src/app/infrashare serve --data "$data" --listen "$listen"
