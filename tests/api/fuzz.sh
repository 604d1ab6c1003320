#!/usr/bin/env bash
# Schemathesis against a real `hookdesk serve`: every check, the coverage, fuzzing and
# stateful phases, against the document the server itself publishes. Any finding fails.
# Usage: tests/api/fuzz.sh path/to/hookdesk [--team]   (from `make fuzz`, inside scripts/test-env.sh)
# --team: the same run against `hookdesk serve --database-url` on a new database of the
# throwaway PostgreSQL (`scripts/test-env.sh --postgres`), its secrets sealed with a new key.
set -euo pipefail
cd "$(dirname "$0")/../.."
# The fuzzer's webhooks point at made-up public hosts: deliver nowhere. In a network
# namespace of our own only loopback exists (user namespaces need no root).
if [ -z "${HOOKDESK_FUZZ_NETNS:-}" ] && unshare -rn true 2>/dev/null; then
  exec env HOOKDESK_FUZZ_NETNS=1 unshare -rn bash -c 'ip link set lo up && exec "$0" "$@"' "$0" "$@"
fi
[ -n "${HOOKDESK_FUZZ_NETNS:-}" ] || echo "warning: no network namespace here; deliveries of the fuzz run may leave this machine" >&2
app=$(realpath "$1")
shift
team=0
if [ "${1:-}" = "--team" ]; then team=1; shift; fi
st=.venv-test/bin/st

data=$(mktemp -d "${TMPDIR:-/tmp}/hookdesk-fuzz.XXXXXX")
export HOOKDESK_TOKEN="hdk_fuzz_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
serve_args=(serve --data-dir "$data/data" --port 0)
report=schemathesis
if [ "$team" = 1 ]; then
  # Over the server's Unix socket: this run's network namespace has no way to its port.
  : "${HOOKDESK_TEST_PG_SOCKET:?--team needs the PostgreSQL of scripts/test-env.sh --postgres}"
  db="hookdesk_fuzz_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  "$HOOKDESK_TEST_PG_BIN/psql" -q "$HOOKDESK_TEST_PG_SOCKET dbname=postgres" -c "CREATE DATABASE $db"
  export HOOKDESK_DATABASE_URL="$HOOKDESK_TEST_PG_SOCKET dbname=$db"
  HOOKDESK_SECRET_KEY=$(head -c 32 /dev/urandom | base64)
  export HOOKDESK_SECRET_KEY
  report=schemathesis-team
fi
"$app" "${serve_args[@]}" >"$data/serve.log" 2>&1 &
serve=$!
trap 'kill $serve 2>/dev/null; wait $serve 2>/dev/null; rm -rf "$data"' EXIT

url=""
for _ in $(seq 100); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$data/serve.log" | head -1 || true)
  [ -n "$url" ] && break
  kill -0 $serve 2>/dev/null || { cat "$data/serve.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "error: hookdesk serve did not start in 10 s" >&2; cat "$data/serve.log" >&2; exit 1; }

mkdir -p tests/artifacts
SCHEMATHESIS_HOOKS=hooks PYTHONPATH=tests/api timeout "${HOOKDESK_FUZZ_TIMEOUT:-120}" "$st" run "$url/v1/openapi.json" \
  -H "Authorization: Bearer $HOOKDESK_TOKEN" \
  --checks all --phases examples,coverage,fuzzing,stateful --max-examples "${HOOKDESK_FUZZ_EXAMPLES:-40}" \
  --report junit --report-dir "tests/artifacts/$report" \
  --no-color "$@"
