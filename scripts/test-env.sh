#!/usr/bin/env bash
# Runs a command inside a private test environment: its own D-Bus session with an unlocked
# gnome-keyring (a real Secret Service, kept in a temp dir, never the user's keyring) and,
# with --display, an Xvfb display. Usage: scripts/test-env.sh [--display] -- command args…
set -euo pipefail

display=0
postgres=0
while true; do
  case "${1:-}" in
    --display) display=1; shift ;;
    --postgres) postgres=1; shift ;;
    --) shift; break ;;
    *) break ;;
  esac
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/hookdesk-test-env.XXXXXX")
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
pg_stop() {
  if [ -f "$scratch/pg/data/postmaster.pid" ]; then
    as_pg "$pg_bin/pg_ctl" -D "$scratch/pg/data" -m fast stop >/dev/null 2>&1 || true
  fi
}
trap 'pg_stop; rm -rf "$scratch"' EXIT
# initdb refuses to run as root: the server runs as the postgres user then.
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# --postgres: a throwaway PostgreSQL server in the scratch dir, on a free loopback port, for
# the team-mode store tests; its URL is HOOKDESK_TEST_DATABASE_URL. Stopped at the end. Tests
# run it with fsync off (nothing they check needs the disk); HOOKDESK_TEST_PG_FSYNC=on, as
# the benchmarks set, makes every commit durable.
if [ "$postgres" = 1 ]; then
  [ -n "$pg_bin" ] || { echo "error: PostgreSQL is not installed (scripts/ensure-deps.sh test installs it)" >&2; exit 1; }
  mkdir -p "$scratch/pg"
  # The postgres user passes through the scratch dir (nothing else there opens to it).
  chmod 711 "$scratch"
  chmod 777 "$scratch/pg"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_pg "$pg_bin/initdb" -D "$scratch/pg/data" -A trust -U hookdesk >/dev/null
  as_pg "$pg_bin/pg_ctl" -D "$scratch/pg/data" -l "$scratch/pg/log" -w \
    -o "-p $port -k $scratch/pg -c listen_addresses=127.0.0.1 -c fsync=${HOOKDESK_TEST_PG_FSYNC:-off}" start >/dev/null
  export HOOKDESK_TEST_DATABASE_URL="postgres://hookdesk@127.0.0.1:$port/postgres"
  # The same server over its Unix socket, for a run in a network namespace of its own.
  export HOOKDESK_TEST_PG_SOCKET="host=$scratch/pg port=$port user=hookdesk"
  # pg_dump and psql of the same server, for the tests that read a dump.
  export HOOKDESK_TEST_PG_BIN="$pg_bin"
fi
mkdir -m 700 -p "$scratch/runtime" "$scratch/data" "$scratch/cache" "$scratch/config"
# The keyring files, WebKit caches and settings of the run live here, not in the user's home.
export XDG_DATA_HOME="$scratch/data" XDG_CACHE_HOME="$scratch/cache" XDG_CONFIG_HOME="$scratch/config"
export XDG_RUNTIME_DIR="$scratch/runtime"
export HOOKDESK_TEST_DISPLAY=$display

# The password must be non-empty: an empty one never creates the login collection.
dbus-run-session -- bash -c '
  printf "hookdesk-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  if [ "$HOOKDESK_TEST_DISPLAY" = 1 ]; then
    exec xvfb-run -a -s "-screen 0 1280x800x24" "$@"
  fi
  exec "$@"' hookdesk-test-env "$@"
