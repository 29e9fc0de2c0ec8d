# shellcheck shell=bash
# Helpers for bench/run.sh: processes we start (and only those), CPU accounting, ports, wrk output.
# Sourced, not run.

STARTED=()   # process-group ids of everything still running that we started

# spawn LOGFILE CPU FUNCTION [ARGS...]: runs a target function in the foreground of a new session
# (so its pid is also its process-group id) and sets SPAWNED_PID. CPU '' means unpinned.
spawn() {
  local logfile=$1 cpu=$2; shift 2
  local pin=()
  [ -n "$cpu" ] && pin=(taskset -c "$cpu")
  setsid "${pin[@]}" bash -c 'source "$0"; "$@"' "$BENCH_DIR/lib/launch.sh" "$@" \
    >>"$logfile" 2>&1 </dev/null 8>&- &
  SPAWNED_PID=$!
  STARTED+=("$SPAWNED_PID")
}

# group_alive PGID: true while any non-zombie process of that group exists.
group_alive() {
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v g="$1" '
    { s = $0; sub(/^.*\) /, "", s); split(s, f, " "); if (f[3] == g && f[1] != "Z") n++ }
    END { exit n ? 0 : 1 }'
}

# stop_group PGID: TERM the group we started, KILL it after 5 s, reap it.
stop_group() {
  local pgid=$1 i
  [ -z "$pgid" ] && return 0
  kill -TERM -- "-$pgid" 2>/dev/null
  for ((i = 0; i < 50; i++)); do group_alive "$pgid" || break; sleep 0.1; done
  if group_alive "$pgid"; then
    note "process group $pgid ignored TERM; sending KILL"
    kill -KILL -- "-$pgid" 2>/dev/null
  fi
  wait "$pgid" 2>/dev/null
  local rest=() p
  for p in "${STARTED[@]}"; do [ "$p" != "$pgid" ] && rest+=("$p"); done
  STARTED=("${rest[@]}")
}

stop_all() {
  local p
  for p in "${STARTED[@]}"; do stop_group "$p"; done
}

# cpu_ticks PGID: user+system clock ticks of every live process in the group.
cpu_ticks() {
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v g="$1" '
    { s = $0; sub(/^.*\) /, "", s); split(s, f, " "); if (f[3] == g) t += f[12] + f[13] }
    END { print t + 0 }'
}

# machine_ticks: "total idle" jiffies of all cpus.
machine_ticks() { awk '/^cpu / { print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6; exit }' /proc/stat; }

port_in_use() { [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; }

# free_port START [TAKEN...]: first port >= START that nothing listens on and is not in TAKEN.
free_port() {
  local p=$1 t taken; shift
  for ((; p < 65535; p++)); do
    taken=""
    for t in "$@"; do [ "$t" = "$p" ] && taken=1; done
    [ -z "$taken" ] && ! port_in_use "$p" && { echo "$p"; return 0; }
  done
  return 1
}

# wait_http URL PID SECONDS: true once URL answers 200, false if PID dies or time runs out.
wait_http() {
  local url=$1 pid=$2 secs=$3 i code
  for ((i = 0; i < secs * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 1
    code=$(curl -sk -o /dev/null -m 1 -w '%{http_code}' "$url" 2>/dev/null)
    [ "$code" = 200 ] && return 0
    sleep 0.1
  done
  return 1
}

# spread URL: which backend answered each of 12 keep-alive requests ("19001=4 19002=4 19003=4").
spread() {
  local url=$1 urls=() i
  for ((i = 0; i < 12; i++)); do urls+=("$url"); done
  # Bodies carry no newline, so pick the markers out of the concatenated output.
  curl -sk -m 10 "${urls[@]}" 2>/dev/null | grep -o 'node [0-9]*' |
    awk '{ n[$2]++ } END { for (k in n) printf "%s=%d ", k, n[k] }'
}

# wrk_numbers < wrk-output: "rps p50_ms p99_ms requests socket_errors non2xx" (NA when absent).
wrk_numbers() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0
      if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000; return v + 0
    }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    / requests in / { reqs = $1 }
    /Socket errors:/ { gsub(/,/, ""); errs = $4 + $6 + $8 + $10 }
    /Non-2xx or 3xx responses:/ { bad = $5 }
    /^Requests\/sec:/ { rps = $2 }
    END {
      printf "%s %s %s %s %d %d\n", rps == "" ? "NA" : rps, p50 == "" ? "NA" : p50,
        p99 == "" ? "NA" : p99, reqs == "" ? 0 : reqs, errs, bad
    }'
}

# h2load_numbers OUT LOG: "rps p50_ms p99_ms requests errors non2xx" from h2load's report and
# its per-request log (start, status, duration in microseconds per line).
h2load_numbers() {
  local rps reqs errs bad p50 p99
  read -r rps reqs errs bad < <(awk '
    /^finished in/ { for (i = 1; i <= NF; i++) if ($(i + 1) ~ /^req\/s/) { r = $i; gsub(/,/, "", r) } }
    /^requests:/ { done = $8; failed = $10 + $12 }
    /^status codes:/ { bad = $9 + $11 }
    END { printf "%s %d %d %d\n", r == "" ? "NA" : r, done, failed, bad }' "$1")
  read -r p50 p99 < <(awk '{ print $3 / 1000 }' "$2" 2>/dev/null | sort -n | awk '
    { v[NR] = $1 } END { if (NR == 0) { print "NA NA"; exit } i50 = int(NR * 0.5); i99 = int(NR * 0.99); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1; printf "%.3f %.3f\n", v[i50], v[i99] }')
  echo "$rps $p50 $p99 $reqs $errs $bad"
}
