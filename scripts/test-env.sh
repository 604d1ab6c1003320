#!/usr/bin/env bash
# Runs a command inside a private test environment: its own D-Bus session with an unlocked
# gnome-keyring (a real Secret Service, kept in a temp dir, never the user's keyring) and,
# with --display, an Xvfb display. Usage: scripts/test-env.sh [--display] -- command args…
set -euo pipefail

display=0
if [ "${1:-}" = "--display" ]; then display=1; shift; fi
[ "${1:-}" = "--" ] && shift

scratch=$(mktemp -d "${TMPDIR:-/tmp}/hookdesk-test-env.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -m 700 -p "$scratch/runtime" "$scratch/data" "$scratch/cache" "$scratch/config"
# The keyring files, WebKit caches and settings of the run live here, not in the user's home.
export XDG_DATA_HOME="$scratch/data" XDG_CACHE_HOME="$scratch/cache" XDG_CONFIG_HOME="$scratch/config"
export XDG_RUNTIME_DIR="$scratch/runtime"
export HOOKDESK_TEST_DISPLAY=$display

# The password must be non-empty: an empty one never creates the login collection.
exec dbus-run-session -- bash -c '
  printf "hookdesk-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  if [ "$HOOKDESK_TEST_DISPLAY" = 1 ]; then
    exec xvfb-run -a -s "-screen 0 1280x800x24" "$@"
  fi
  exec "$@"' hookdesk-test-env "$@"
