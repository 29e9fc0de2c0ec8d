# shellcheck shell=bash
# Benchmark targets for bench/run.sh, and the backend they share.
#
# A target NAME is a shell function `target_NAME PORT DIR` that starts a reverse proxy in the
# FOREGROUND (exec, no daemonizing) listening on 127.0.0.1:PORT and balancing round-robin over
# $BACKENDS ("127.0.0.1:19001,127.0.0.1:19002,127.0.0.1:19003"), with keep-alive on both sides.
# DIR is an empty scratch directory for its configuration and logs. Optional companions:
#   describe_NAME    prints a one-line description for the report
#   scheme_NAME      prints "https" when wrk must speak TLS to it (default http)
# Names use [a-z0-9_]. To add cases without editing this file, put the functions in another file
# and pass it in BENCH_TARGET_FILES (space-separated paths), then name the target in TARGETS.
# Available to every function: BENCH_DIR, REPO_DIR, BACKENDS, RUN_DIR.

# ------------------------------------------------------------------------------------ backend
# backend_nginx DIR PORT...: one nginx, one worker, a server per port answering every request with
# a fixed 100-byte body that starts with "node PORT " (so the spread of requests can be checked).
backend_nginx() {
  local dir=$1; shift
  local servers="" p head body
  mkdir -p "$dir/tmp"
  for p in "$@"; do
    head="node $p "
    body=$head$(printf '%*s' $((100 - ${#head})) '' | tr ' ' b)
    servers+="  server { listen 127.0.0.1:$p backlog=4096; location / { return 200 '$body'; } }"$'\n'
  done
  cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
worker_rlimit_nofile 16384;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  server_tokens off;
  default_type text/plain;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
$servers}
EOF
  exec nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;'
}

# ------------------------------------------------------------------------------------ nginx
describe_nginx() { echo "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), 1 worker, upstream keepalive, proxy_http_version 1.1, access_log off"; }
target_nginx() {
  local port=$1 dir=$2 upstreams="" b
  mkdir -p "$dir/tmp"
  for b in ${BACKENDS//,/ }; do upstreams+="    server $b;"$'\n'; done
  cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
worker_rlimit_nofile 16384;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  server_tokens off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  upstream bench_pool {
$upstreams    keepalive 256;
    keepalive_requests 100000000;
    keepalive_timeout 300s;
  }
  server {
    listen 127.0.0.1:$port backlog=4096;
    location / {
      proxy_pass http://bench_pool;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
EOF
  exec nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;'
}

# ------------------------------------------------------------------------------------ sluice
# sluice_write_config DIR PORT [RULE_FILE...]: a configuration directory with virtual server
# "bench" on 127.0.0.1:PORT (HTTP) using pool "bench-pool" (the $BACKENDS nodes, round robin).
# Each RULE_FILE (TrafficScript, *.zts) becomes rules/<basename> and a request rule of "bench".
sluice_write_config() {
  local dir=$1 port=$2; shift 2
  local nodes="" b rules="" f name
  mkdir -p "$dir/virtual_servers" "$dir/pools"
  for b in ${BACKENDS//,/ }; do
    nodes+="${nodes:+, }{\"node\": \"$b\", \"state\": \"active\", \"weight\": 1}"
  done
  if [ $# -gt 0 ]; then mkdir -p "$dir/rules"; fi
  for f in "$@"; do
    name=$(basename "$f" .zts)
    cp "$f" "$dir/rules/$name"
    rules+="${rules:+, }\"$name\""
  done
  cat >"$dir/pools/bench-pool" <<EOF
{"properties": {
  "basic": {"nodes_table": [$nodes]},
  "load_balancing": {"algorithm": "round_robin"}
}}
EOF
  cat >"$dir/virtual_servers/bench" <<EOF
{"properties": {
  "basic": {
    "enabled": true, "port": $port, "protocol": "http", "pool": "bench-pool",
    "listen_on_any": false, "listen_on_hosts": ["127.0.0.1"], "request_rules": [$rules]
  }
}}
EOF
}

# sluice_exec CONFIG_DIR: run Sluice in the foreground on the pinned Node 24.
sluice_exec() {
  cd "$REPO_DIR" || exit 1
  exec "$REPO_DIR/node_modules/.bin/node" src/cli/main.ts start --config "$1"
}

describe_sluice() { echo "Sluice $(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null), one process, default settings"; }
target_sluice() {
  sluice_write_config "$2/config" "$1"
  sluice_exec "$2/config"
}

# Sluice with one request rule (bench/rules/set-header.zts); not in the default TARGETS.
describe_sluice_rule() { echo "Sluice $(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null) with one request rule setting a header"; }
target_sluice_rule() {
  sluice_write_config "$2/config" "$1" "$BENCH_DIR/rules/set-header.zts"
  sluice_exec "$2/config"
}

# HTTPS cases later: a scheme_NAME function printing "https" makes wrk use TLS; the target makes
# its own key and certificate in its DIR (openssl req -x509 ...) before it starts.
