#!/usr/bin/env bash
# bench/run.sh (`npm run bench`): Sluice against nginx as HTTP/1.1 reverse proxies, on this machine,
# in one run. wrk drives each target over keep-alive connections; the target balances round robin
# over three nginx nodes that answer with 100 bytes. Targets alternate round after round. The
# default cases: plain HTTP (nginx, sluice), Sluice with a realistic request rule (against
# sluice), gzip compression of a 20 KB page (against nginx with gzip), TLS offload with keep-alive and with one request per connection (against nginx), and
# for each of these loads a Node floor (bench/floor/): the least any Node proxy can cost here.
# docs/benchmarks.md explains the method and how to read the results.
#
# Settings (environment; defaults in brackets):
#   TARGETS [all default cases]  targets to run, space or comma separated (functions in bench/targets.sh)
#   BENCH_TARGET_FILES      more files defining target_NAME functions (space separated)
#   REF [nginx]             the reference for targets without a ref_NAME function
#   TLS_KEY_TYPE [ec]       certificate key of the TLS cases: ec (P-256) or rsa (2048)
#   ROUNDS [3]  DURATION seconds [10]  WARMUP seconds [2]  CONNS ["50"]  THREADS wrk -t [1]
#   WRK_CPU [0]  BACKEND_CPU [0]  PROXY_CPU [1]   taskset cpu lists; empty = unpinned
#   BACKEND_PORT_BASE [19001]  PROXY_PORT_BASE [19080]   first ports tried (free ones are chosen)
#   READY_TIMEOUT seconds [20]   a target that does not answer 200 by then is skipped
#   OUT_PREFIX [bench/results/<UTC date>-http]   writes OUT_PREFIX.json and OUT_PREFIX.md
#   RUN_DIR [a new /tmp/sluice-bench.XXXXXX]     raw wrk output, configs and process logs
#   INSTALL [1]     apt-get install nginx and wrk when missing (root only)
#   LOCK_FILE [/tmp/bench/run.lock]  LOCK_WAIT seconds [0]   one benchmark at a time per machine
set -uo pipefail
set +m # Background jobs must not get their own groups from the shell: setsid gives them one.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
export BENCH_DIR REPO_DIR

TARGETS=${TARGETS:-nginx node_floor sluice sluice_realistic sluice_protected nginx_gzip sluice_gzip nginx_tls node_floor_tls sluice_tls nginx_tls_hs node_floor_tls_hs sluice_tls_hs nginx_mc1 sluice_mc1 nginx_mc2 sluice_mc2 nginx_h2 node_floor_h2 sluice_h2 nginx_h2_1s node_floor_h2_1s sluice_h2_1s sluice_cluster sluice_persist sluice_cluster_persist}
TARGETS=${TARGETS//,/ }
export BENCH_TARGET_FILES=${BENCH_TARGET_FILES:-}
REF=${REF:-nginx}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONNS=${CONNS:-50}
CONNS=${CONNS//,/ }
THREADS=${THREADS:-1}
WRK_CPU=${WRK_CPU-0}
BACKEND_CPU=${BACKEND_CPU-0}
PROXY_CPU=${PROXY_CPU-1}
BACKEND_PORT_BASE=${BACKEND_PORT_BASE:-19001}
PROXY_PORT_BASE=${PROXY_PORT_BASE:-19080}
READY_TIMEOUT=${READY_TIMEOUT:-20}
OUT_PREFIX=${OUT_PREFIX:-$BENCH_DIR/results/$(date -u +%F)-http}
INSTALL=${INSTALL:-1}
LOCK_FILE=${LOCK_FILE:-/tmp/bench/run.lock}
LOCK_WAIT=${LOCK_WAIT:-0}
NODE_BIN="$REPO_DIR/node_modules/.bin/node"

die() { echo "bench: $*" >&2; exit 1; }
note() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$RUN_DIR/run.log" >&2; }
isnum() { [[ "$1" =~ ^[0-9]+$ ]]; }

for v in ROUNDS DURATION WARMUP THREADS READY_TIMEOUT LOCK_WAIT; do isnum "${!v}" || die "$v must be a whole number"; done
for c in $CONNS; do isnum "$c" || die "CONNS must list whole numbers"; done
[ "$DURATION" -gt 0 ] && [ "$ROUNDS" -gt 0 ] || die "ROUNDS and DURATION must be positive"
[ -x "$NODE_BIN" ] || die "missing $NODE_BIN: run npm ci in $REPO_DIR first"

# ---------------------------------------------------------------- tools
install_tools() {
  [ "$(id -u)" = 0 ] || die "nginx and wrk are needed: sudo apt-get install nginx wrk"
  command -v apt-get >/dev/null || die "nginx and wrk are needed and apt-get is not available"
  echo "bench: installing nginx and wrk with apt-get" >&2
  apt-get update -qq || die "apt-get update failed"
  # Keep Debian's postinst from starting a system nginx on port 80.
  local made_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx wrk nghttp2-client >&2
  local rc=$?
  [ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
  [ $rc = 0 ] || die "apt-get install nginx wrk failed"
}
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null || ! command -v h2load >/dev/null; then
  [ "$INSTALL" = 1 ] || die "nginx and wrk are needed (apt-get install nginx wrk), or set INSTALL=1"
  install_tools
fi
for tool in wrk nginx curl taskset setsid timeout ss awk flock openssl h2load; do
  command -v "$tool" >/dev/null || die "missing tool: $tool"
done

# ---------------------------------------------------------------- targets
# shellcheck source=lib/proc.sh
source "$BENCH_DIR/lib/proc.sh"
# shellcheck source=lib/launch.sh
source "$BENCH_DIR/lib/launch.sh"
for t in $TARGETS; do
  [[ "$t" =~ ^[a-z0-9_]+$ ]] || die "bad target name '$t' (use [a-z0-9_])"
  declare -F "target_$t" >/dev/null || die "unknown target '$t': define target_$t in bench/targets.sh or BENCH_TARGET_FILES"
done
read -r -a TLIST <<<"$TARGETS"
[ ${#TLIST[@]} -gt 0 ] || die "no targets"

# ---------------------------------------------------------------- run directory, lock, ports
RUN_DIR=${RUN_DIR:-$(mktemp -d /tmp/sluice-bench.XXXXXX)}
export RUN_DIR
mkdir -p "$RUN_DIR/wrk" "$RUN_DIR/logs" "$(dirname "$LOCK_FILE")" "$(dirname "$OUT_PREFIX")" || die "cannot create directories"
exec 8>>"$LOCK_FILE"
flock -w "$LOCK_WAIT" 8 || die "another benchmark holds $LOCK_FILE (LOCK_WAIT=seconds waits for it)"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

BACKEND_PORTS=()
for i in 1 2 3; do
  p=$(free_port $((BACKEND_PORT_BASE + ${#BACKEND_PORTS[@]})) "${BACKEND_PORTS[@]}") || die "no free port for a node"
  BACKEND_PORTS+=("$p")
done
PROXY_PORT=$(free_port "$PROXY_PORT_BASE" "${BACKEND_PORTS[@]}") || die "no free port for the proxy"
BACKENDS=""
for p in "${BACKEND_PORTS[@]}"; do BACKENDS+="${BACKENDS:+,}127.0.0.1:$p"; done
export BACKENDS

trap 'stop_all' EXIT
trap 'note "interrupted"; exit 130' INT TERM

RESULTS="$RUN_DIR/results.tsv"
SKIPS="$RUN_DIR/skipped.tsv"
META="$RUN_DIR/meta.tsv"
printf 'round\ttarget\tconns\trps\tp50_ms\tp99_ms\trequests\tsocket_errors\tnon2xx\tserver_cpu_pct\tserver_us_per_req\tbackend_cpu_pct\twrk_cpu_pct\tmachine_busy_pct\n' >"$RESULTS"
printf 'round\ttarget\treason\n' >"$SKIPS"
{
  printf 'date\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf 'host\t%s\n' "$(uname -srm)"
  printf 'cpus\t%s\n' "$(nproc)"
  printf 'cpu_model\t%s\n' "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
  printf 'wrk\t%s\n' "$(wrk -v 2>&1 | head -1)"
  printf 'nginx\t%s\n' "$(nginx -v 2>&1)"
  printf 'node\t%s\n' "$("$NODE_BIN" -v)"
  printf 'sluice_commit\t%s\n' "$(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null)"
  printf 'settings\tROUNDS=%s DURATION=%s WARMUP=%s CONNS=%s THREADS=%s WRK_CPU=%s BACKEND_CPU=%s PROXY_CPU=%s\n' \
    "$ROUNDS" "$DURATION" "$WARMUP" "$CONNS" "$THREADS" "$WRK_CPU" "$BACKEND_CPU" "$PROXY_CPU"
  printf 'nodes\t%s\n' "$BACKENDS"
  printf 'proxy_port\t%s\n' "$PROXY_PORT"
  for t in "${TLIST[@]}"; do
    d=""; declare -F "describe_$t" >/dev/null && d=$("describe_$t" 2>/dev/null)
    printf 'target:%s\t%s\n' "$t" "$d"
    r=$REF; declare -F "ref_$t" >/dev/null && r=$("ref_$t")
    printf 'ref:%s\t%s\n' "$t" "$r"
    declare -F "goal_$t" >/dev/null && printf 'goal:%s\t%s\n' "$t" "$("goal_$t")"
    declare -F "wrkargs_$t" >/dev/null && printf 'wrkargs:%s\t%s\n' "$t" "$("wrkargs_$t" | tr '\n' ' ')"
  done
} >"$META"

per_target=$(( $(wc -w <<<"$CONNS") * (WARMUP + DURATION + 1) + 3 ))
est=$(( ROUNDS * ${#TLIST[@]} * per_target ))
note "targets: ${TLIST[*]}; nodes $BACKENDS; proxy port $PROXY_PORT; raw output in $RUN_DIR (about $((est / 60)) min $((est % 60)) s)"

# ---------------------------------------------------------------- one measurement slot
declare -A DEAD=()   # targets that failed to start are not retried in later rounds

measure_target() { # ROUND TARGET
  local round=$1 t=$2 dir url scheme=http bpid tpid p c extra=()
  dir="$RUN_DIR/r$round-$t"
  mkdir -p "$dir"
  declare -F "scheme_$t" >/dev/null && scheme=$("scheme_$t")
  declare -F "wrkargs_$t" >/dev/null && mapfile -t extra < <("wrkargs_$t")
  local path=/
  declare -F "path_$t" >/dev/null && path=$("path_$t")
  url="$scheme://127.0.0.1:$PROXY_PORT$path"
  # A target that defines unpinned_NAME (the multi-core cases) runs with nothing pinned: proxy,
  # nodes and wrk share both cores, as they would on a real machine.
  local proxy_cpu=$PROXY_CPU backend_cpu=$BACKEND_CPU wrk_cpu=$WRK_CPU
  if declare -F "unpinned_$t" >/dev/null; then proxy_cpu=""; backend_cpu=""; wrk_cpu=""; fi

  for p in "${BACKEND_PORTS[@]}" "$PROXY_PORT"; do
    port_in_use "$p" && die "port $p is taken by a process we did not start"
  done
  spawn "$RUN_DIR/logs/r$round-nodes.log" "$backend_cpu" backend_nginx "$dir/nodes" "${BACKEND_PORTS[@]}"
  bpid=$SPAWNED_PID
  for p in "${BACKEND_PORTS[@]}"; do
    wait_http "http://127.0.0.1:$p/" "$bpid" 10 || die "the nginx nodes did not start (see $RUN_DIR/logs/r$round-nodes.log)"
  done

  spawn "$RUN_DIR/logs/r$round-$t.log" "$proxy_cpu" "target_$t" "$PROXY_PORT" "$dir"
  tpid=$SPAWNED_PID
  if ! wait_http "$url" "$tpid" "$READY_TIMEOUT"; then
    local why="no 200 from $url within ${READY_TIMEOUT}s"
    kill -0 "$tpid" 2>/dev/null || why="it exited before answering"
    note "SKIP $t: $why; last lines of $RUN_DIR/logs/r$round-$t.log:"
    tail -n 5 "$RUN_DIR/logs/r$round-$t.log" | sed 's/^/    /' >&2
    printf '%s\t%s\t%s\n' "$round" "$t" "$why" >>"$SKIPS"
    DEAD[$t]=1
    stop_group "$tpid"; stop_group "$bpid"
    return 0
  fi
  note "round $round/$ROUNDS $t: spread of 12 requests: $(spread "$url")"

  local wrk_pre=(timeout -k 5 $((WARMUP + DURATION + 30)))
  [ -n "$wrk_cpu" ] && wrk_pre+=(taskset -c "$wrk_cpu")
  for c in $CONNS; do
    # HTTP/2 cases (h2load_NAME prints h2load's connection and stream options) use h2load.
    local h2=()
    declare -F "h2load_$t" >/dev/null && mapfile -t h2 < <("h2load_$t")
    if [ "$WARMUP" -gt 0 ]; then
      if [ ${#h2[@]} -gt 0 ]; then "${wrk_pre[@]}" h2load -D "$WARMUP" "${h2[@]}" "$url" >/dev/null 2>&1
      else "${wrk_pre[@]}" wrk -t"$THREADS" -c"$c" -d"${WARMUP}s" "${extra[@]}" "$url" >/dev/null 2>&1; fi
    fi
    local out="$RUN_DIR/wrk/r$round-$t-c$c.txt" s0 s1 b0 b1 m0 i0 m1 i1
    s0=$(cpu_ticks "$tpid"); b0=$(cpu_ticks "$bpid"); read -r m0 i0 < <(machine_ticks)
    TIMEFORMAT='%U %S'
    if [ ${#h2[@]} -gt 0 ]; then
      { time "${wrk_pre[@]}" h2load -D "$DURATION" "${h2[@]}" --log-file="$out.log" "$url" >"$out" 2>&1; } 2>"$out.cpu"
    else
      { time "${wrk_pre[@]}" wrk -t"$THREADS" -c"$c" -d"${DURATION}s" --latency "${extra[@]}" "$url" >"$out" 2>&1; } 2>"$out.cpu"
    fi
    s1=$(cpu_ticks "$tpid"); b1=$(cpu_ticks "$bpid"); read -r m1 i1 < <(machine_ticks)
    local rps p50 p99 reqs errs bad
    if [ ${#h2[@]} -gt 0 ]; then read -r rps p50 p99 reqs errs bad < <(h2load_numbers "$out" "$out.log")
    else read -r rps p50 p99 reqs errs bad < <(wrk_numbers <"$out"); fi
    local row
    row=$(awk -v s=$((s1 - s0)) -v b=$((b1 - b0)) -v hz="$(getconf CLK_TCK)" -v d="$DURATION" -v n="$reqs" \
      -v dm=$((m1 - m0)) -v di=$((i1 - i0)) -v w="$(cat "$out.cpu" 2>/dev/null)" 'BEGIN {
        split(w, wt, " ")
        printf "%.1f\t%s\t%.1f\t%s\t%s", s / hz / d * 100, (n > 0 ? sprintf("%.2f", s / hz * 1e6 / n) : "NA"),
          b / hz / d * 100, (wt[1] == "" ? "NA" : sprintf("%.1f", (wt[1] + wt[2]) / d * 100)),
          (dm > 0 ? sprintf("%.1f", (1 - di / dm) * 100) : "NA") }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$t" "$c" "$rps" "$p50" "$p99" "$reqs" "$errs" "$bad" "$row" >>"$RESULTS"
    note "  c=$c $t: $rps req/s, p50 ${p50} ms, p99 ${p99} ms, errors $errs, non-2xx $bad, cpu/req(us) $(cut -f2 <<<"$row")"
  done
  stop_group "$tpid"
  stop_group "$bpid"
}

# ---------------------------------------------------------------- main loop
n=${#TLIST[@]}
for ((round = 1; round <= ROUNDS; round++)); do
  for ((k = 0; k < n; k++)); do
    t=${TLIST[$(( (k + round - 1) % n ))]}
    [ -n "${DEAD[$t]:-}" ] && { printf '%s\t%s\t%s\n' "$round" "$t" "not retried after failing to start" >>"$SKIPS"; continue; }
    measure_target "$round" "$t"
  done
done

"$NODE_BIN" "$BENCH_DIR/summarize.ts" --results "$RESULTS" --skipped "$SKIPS" --meta "$META" --ref "$REF" \
  --json "$OUT_PREFIX.json" --md "$OUT_PREFIX.md" || die "summarize failed (raw data in $RUN_DIR)"
cat "$OUT_PREFIX.md"
note "wrote $OUT_PREFIX.json and $OUT_PREFIX.md; raw output in $RUN_DIR"
