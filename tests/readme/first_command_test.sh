#!/usr/bin/env bash
# Runs the README's first command literally (as the README's first code block
# spells it), with a fresh data directory and a free loopback port as its
# arguments; waits for /healthz, checks that an administrator token was
# printed and that it is accepted, then stops the server. So the README's two
# commands cannot drift from the build.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

command="$(awk '/^```sh/{inside=1; next} inside{print; exit}' README.md | sed 's/[[:space:]]*#.*$//')"
if [ -z "$command" ]; then
  echo "README.md has no sh code block with a first command" >&2
  exit 1
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/infrashare-readme-XXXXXX")"
port=""
for _ in $(seq 1 50); do
  candidate=$((20000 + RANDOM % 12768))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port="$candidate"; break; fi
done
[ -n "$port" ] || { echo "no free port" >&2; exit 1; }

log="$tmp/run.log"
echo "running: $command $tmp/data 127.0.0.1:$port"
setsid bash -c "$command \"\$1\" \"\$2\"" run "$tmp/data" "127.0.0.1:$port" >"$log" 2>&1 &
pid=$!
cleanup() {
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

deadline=$((SECONDS + 900))  # a build from nothing takes minutes
until curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "the README's first command exited before serving:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "no /healthz answer on port $port within 900 s:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  sleep 0.5
done

token="$(grep -m1 -A1 'administrator token' "$log" | tail -n 1 | tr -d '[:space:]')"
case "$token" in
  tok_*.*) ;;
  *)
    echo "no administrator token after the line 'administrator token':" >&2
    cat "$log" >&2
    exit 1
    ;;
esac
# The token works, and the plan's registry is loaded.
status="$(curl -s -o "$tmp/principals.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
  "http://127.0.0.1:$port/api/v1/admin/principals")"
[ "$status" = 200 ] || { echo "the printed token was refused: HTTP $status" >&2; cat "$tmp/principals.json" >&2; exit 1; }
sectors="$(curl -fsS "http://127.0.0.1:$port/api/v1/registry/sectors")"
count="$(printf '%s' "$sectors" | grep -o '"id"' | wc -l)"
[ "$count" -ge 14 ] || { echo "expected the plan's 14 sectors, got $count: $sectors" >&2; exit 1; }
# The browser UI is served at the root, and a page of it too.
page="$(curl -fsS "http://127.0.0.1:$port/situation")"
case "$page" in
  *'<div id="app">'*) ;;
  *) echo "no browser UI at /situation: $page" >&2; exit 1 ;;
esac
echo "served on 127.0.0.1:$port with the plan's registry ($count sectors) and the browser UI; administrator token accepted"
