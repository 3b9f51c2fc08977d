#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: loopback only, trust
# authentication, fsync on, in a temporary directory.
#
#   scripts/pg-test-cluster.sh start [ENV_FILE]   # default ENV_FILE: build/pg-test.env
#   scripts/pg-test-cluster.sh stop  [ENV_FILE]
#   scripts/pg-test-cluster.sh restart ENV_FILE   # fast shutdown and start again (connection-loss tests)
#
# start initializes a cluster, starts it on a free port of 127.0.0.1 and
# writes ENV_FILE, which exports
#   INFRASHARE_TEST_PG=postgresql://postgres@127.0.0.1:PORT/postgres
#   INFRASHARE_PG_TEST_DIR=the cluster's directory
# and prints the URL as its last line. stop stops the cluster, removes its
# directory and ENV_FILE; it does nothing when no cluster is recorded.
#
# Runs as root (the cluster then belongs to the postgres user, through
# runuser) or as any other user. The server binaries come from $PG_BIN, else
# the newest /usr/lib/postgresql/*/bin (Debian's postgresql package).
set -euo pipefail
cd "$(dirname "$0")/.."

command="${1:-}"
env_file="${2:-build/pg-test.env}"

pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    echo "pg-test-cluster: no PostgreSQL server binaries (install Debian's postgresql package)" >&2
    exit 1
  fi
  echo "$dir"
}

# Runs a command as the cluster's owner: postgres when we are root.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A TCP port nobody listens on, from the ephemeral-free range 20000-32767.
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 12768))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "pg-test-cluster: no free port found" >&2
  exit 1
}

start() {
  if [ -f "$env_file" ]; then
    echo "pg-test-cluster: $env_file exists; stopping the cluster it names first" >&2
    stop
  fi
  local bin dir port
  bin="$(pg_bin)"
  dir="$(mktemp -d "${TMPDIR:-/tmp}/infrashare-pg-XXXXXX")"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
  # Stops and removes the half-made cluster if anything below fails.
  trap 'as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"' ERR
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    --no-instructions --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; false; }
  for attempt in 1 2 3 4 5; do
    port="$(free_port)"
    # fsync stays on (the default): the tests check durability.
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$dir' -c max_connections=200 -c fsync=on" \
        start >/dev/null; then
      break
    fi
    if [ "$attempt" = 5 ]; then
      cat "$dir/server.log" >&2
      false
    fi
  done
  trap - ERR
  local url="postgresql://postgres@127.0.0.1:$port/postgres"
  mkdir -p "$(dirname "$env_file")"
  {
    echo "export INFRASHARE_TEST_PG='$url'"
    echo "export INFRASHARE_PG_TEST_DIR='$dir'"
  } >"$env_file"
  echo "pg-test-cluster: PostgreSQL $("$bin/postgres" -V | awk '{print $3}') on 127.0.0.1:$port, data in $dir" >&2
  echo "$url"
}

stop() {
  [ -f "$env_file" ] || return 0
  local dir
  dir="$(. "$env_file" && echo "${INFRASHARE_PG_TEST_DIR:-}")"
  if [ -n "$dir" ] && [ -d "$dir" ]; then
    as_owner "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 ||
      as_owner "$(pg_bin)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
  fi
  rm -f "$env_file"
}

restart() {
  local dir
  dir="$(. "$env_file" && echo "${INFRASHARE_PG_TEST_DIR:-}")"
  as_owner "$(pg_bin)/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w -t 60 restart >/dev/null
}

case "$command" in
  start) start ;;
  stop) stop ;;
  restart) restart ;;
  *)
    echo "usage: $0 start|stop|restart [ENV_FILE]" >&2
    exit 2
    ;;
esac
