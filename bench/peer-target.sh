#!/usr/bin/env bash
# Sluice as one target of the peers' harness (../shared/bench-peers/run.sh), which runs this with
# PORT and BACKENDS set and expects a foreground server on 127.0.0.1:$PORT. docs/benchmarks.md
# gives the command line.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
export BENCH_DIR REPO_DIR
: "${PORT:?PORT must be set}" "${BACKENDS:?BACKENDS must be set}"
# shellcheck source=targets.sh
source "$BENCH_DIR/targets.sh"
dir="${RUN_DIR:-/tmp/bench}/sluice-$PORT"
rm -rf "$dir"
mkdir -p "$dir"
target_sluice "$PORT" "$dir"
