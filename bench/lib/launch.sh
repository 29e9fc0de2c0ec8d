# shellcheck shell=bash
# Sourced by every process bench/run.sh spawns: loads the target definitions so the spawned
# shell can call target_<name> / backend_nginx, which then exec the real server.
# shellcheck source=../targets.sh
source "$BENCH_DIR/targets.sh"
for f in ${BENCH_TARGET_FILES:-}; do
  # shellcheck disable=SC1090
  source "$f"
done
