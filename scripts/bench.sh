#!/usr/bin/env bash
# `make bench`: release build, then the benchmark programs. Throughput figures come with a
# baseline measured in the same run; results are kept in bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

scripts/ensure-deps.sh bench
npm --prefix ui run build --silent
cargo build --release -p hookdesk --features custom-protocol
cargo bench -p hookdesk-engine --bench throughput --no-run

results="bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
dataset=$(mktemp -d "${TMPDIR:-/tmp}/hookdesk-bench.XXXXXX")
trap 'rm -rf "$dataset"' EXIT

# One private keyring and display for both parts: the footprint run opens the app on the
# data directory the throughput run filled with a million attempts.
# The team-mode figures need a PostgreSQL server: a throwaway one, durable like a real one.
HOOKDESK_APP="$CARGO_TARGET_DIR/release/hookdesk" HOOKDESK_BENCH_DATASET="$dataset" RESULTS="$results" HOOKDESK_TEST_PG_FSYNC=on \
  scripts/test-env.sh --display --postgres -- bash -c '
    set -euo pipefail
    cargo bench -p hookdesk-engine --bench throughput -- --dataset "$HOOKDESK_BENCH_DATASET" | tee "$RESULTS/throughput.txt"
    node tests/e2e/footprint.mjs | tee "$RESULTS/footprint.txt"'

echo
echo "All figures (also in $results/figures.txt):"
grep -h '^[a-z0-9_]*=' "$results/throughput.txt" "$results/footprint.txt" | tee "$results/figures.txt"
