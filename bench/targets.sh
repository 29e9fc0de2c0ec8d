# shellcheck shell=bash
# Benchmark targets for bench/run.sh, and the backend they share.
#
# A target NAME is a shell function `target_NAME PORT DIR` that starts a reverse proxy in the
# FOREGROUND (exec, no daemonizing) listening on 127.0.0.1:PORT and balancing round-robin over
# $BACKENDS ("127.0.0.1:19001,127.0.0.1:19002,127.0.0.1:19003"), with keep-alive on both sides.
# DIR is an empty scratch directory for its configuration and logs. Optional companions:
#   describe_NAME    prints a one-line description for the report
#   scheme_NAME      prints "https" when wrk must speak TLS to it (default http)
#   wrkargs_NAME     prints extra wrk arguments, one per line (e.g. -H and 'Connection: close')
#   path_NAME        prints the path wrk asks for (default /; the nodes also serve /page20k.html)
#   ref_NAME         prints the target this one is compared with (default: REF, i.e. nginx)
#   goal_NAME        prints "MIN_RPS_RATIO MAX_P99_RATIO" against that reference (default 0.8 1.5),
#                    or "none" for a target measured only for comparison
# Names use [a-z0-9_]. To add cases without editing this file, put the functions in another file
# and pass it in BENCH_TARGET_FILES (space-separated paths), then name the target in TARGETS.
# Available to every function: BENCH_DIR, REPO_DIR, BACKENDS, RUN_DIR.

# nginx_http_head DIR: the start of every nginx.conf here (one worker, files under DIR, long
# keep-alive), up to and including the settings inside `http {`; the caller adds the rest.
nginx_http_head() {
  local dir=$1
  cat <<EOF
worker_processes ${NGINX_WORKERS:-1};
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
EOF
}

# ------------------------------------------------------------------------------------ backend
# backend_nginx DIR PORT...: one nginx, one worker, a server per port answering every request with
# a fixed 100-byte body that starts with "node PORT " (so the spread of requests can be checked),
# /page20k.html with a 20 KB HTML page that starts the same way (the compression cases), and
# /obj1k with a 1 KB body (the cache cases).
backend_nginx() {
  local dir=$1; shift
  local servers="" p head body
  mkdir -p "$dir/tmp"
  for p in "$@"; do
    head="node $p "
    body=$head$(printf '%*s' $((100 - ${#head})) '' | tr ' ' b)
    mkdir -p "$dir/www/$p"
    bench_page "$head" >"$dir/www/$p/page20k.html"
    { printf '%s' "$head"; printf '%*s' $((1024 - ${#head})) '' | tr ' ' o; } >"$dir/www/$p/obj1k"
    servers+="  server { listen 127.0.0.1:$p backlog=4096; location / { return 200 '$body'; }"
    servers+=" location = /page20k.html { root $dir/www/$p; default_type text/html; }"
    servers+=" location = /obj1k { root $dir/www/$p; default_type text/plain; } }"$'\n'
  done
  # Workers run as this user so they can read the pages in the private run directory (as
  # root, nginx's default worker user could not).
  { echo "user $(id -un);"; nginx_http_head "$dir"; printf '  default_type text/plain;\n%s}\n' "$servers"; } >"$dir/nginx.conf"
  exec nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;'
}

# bench_page MARKER: a 20 KB HTML page (a table of numbered rows, which compresses about as well
# as real markup does: about 5 times at gzip level 1), starting with MARKER.
bench_page() {
  printf '%s<!doctype html>\n<html><head><title>Bench page</title></head><body><table>\n' "$1"
  awk 'BEGIN { for (i = 1; i <= 230; i++) printf "<tr class=\"r%d\"><td>%d</td><td>item %x</td><td>%d.%02d</td><td>in stock: %d</td></tr>\n", i % 7, i, i * 2654435761 % 65536, i * 37 % 1000, i % 100, i * 13 % 50 }'
  printf '</table></body></html>\n'
}

# ------------------------------------------------------------------------------------ nginx
describe_nginx() { echo "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), 1 worker, upstream keepalive, proxy_http_version 1.1, access_log off"; }
target_nginx() {
  nginx_proxy_conf "$1" "$2"
  exec nginx -p "$2" -c "$2/nginx.conf" -e "$2/error.log" -g 'daemon off;'
}

# ------------------------------------------------------------------------------------ sluice
# sluice_write_config DIR PORT [RULE_FILE...]: a configuration directory with virtual server
# "bench" on 127.0.0.1:PORT (HTTP) using pool "bench-pool" (the $BACKENDS nodes, round robin).
# Each RULE_FILE (TrafficScript, *.zts) becomes rules/<basename> and a request rule of "bench".
# With SLUICE_TLS_CERT and SLUICE_TLS_KEY (PEM files) set, "bench" decrypts TLS with them
# (basic.ssl_decrypt, ssl.server_cert_default naming ssl/server_keys/bench). SLUICE_RULES_KEY
# [request_rules] names the rule list; SLUICE_VS_SECTIONS (`,` then more sections) is appended
# to the virtual server's properties.
sluice_write_config() {
  local dir=$1 port=$2; shift 2
  local nodes="" b rules="" f name tls_basic="" tls_section=""
  mkdir -p "$dir/virtual_servers" "$dir/pools"
  if [ -n "${SLUICE_TLS_CERT:-}" ]; then
    mkdir -p "$dir/ssl/server_keys"
    # PEM lines joined with JSON "\n" escapes (PEM holds no quotes or backslashes).
    printf '{"properties": {"basic": {"public": "%s", "private": "%s"}}}\n' \
      "$(awk '{ printf "%s\\n", $0 }' "$SLUICE_TLS_CERT")" "$(awk '{ printf "%s\\n", $0 }' "$SLUICE_TLS_KEY")" \
      >"$dir/ssl/server_keys/bench"
    tls_basic=', "ssl_decrypt": true'
    tls_section=',
  "ssl": {"server_cert_default": "bench"}'
  fi
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
  "basic": {"nodes_table": [$nodes]${SLUICE_POOL_BASIC_EXTRA:-}},
  "load_balancing": {"algorithm": "round_robin"}
}}
EOF
  cat >"$dir/virtual_servers/bench" <<EOF
{"properties": {
  "basic": {
    "enabled": true, "port": $port, "protocol": "http", "pool": "bench-pool",
    "listen_on_any": false, "listen_on_hosts": ["127.0.0.1"], "${SLUICE_RULES_KEY:-request_rules}": [$rules]$tls_basic
  }$tls_section${SLUICE_VS_SECTIONS:-}
}}
EOF
}

# sluice_exec CONFIG_DIR: run Sluice in the foreground on the pinned Node 24.
sluice_exec() {
  cd "$REPO_DIR" || exit 1
  # SLUICE_EXTRA_ARGS: more options (a cluster's --cluster URL), split on spaces.
  # shellcheck disable=SC2086
  exec "$REPO_DIR/node_modules/.bin/node" src/cli/main.ts start --config "$1" --workers "${SLUICE_WORKERS:-1}" ${SLUICE_EXTRA_ARGS:-}
}

describe_sluice() { echo "Sluice $(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null), one worker (--workers 1), default settings"; }
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

# Sluice with a realistic request rule (bench/rules/realistic.zts: about ten header, path and
# cookie checks, then pool.use of the same pool), compared with plain `sluice`: the goal is that
# the rule costs at most 10 % of throughput.
describe_sluice_realistic() { echo "Sluice $(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null) with a realistic request rule (bench/rules/realistic.zts)"; }
ref_sluice_realistic() { echo sluice; }
goal_sluice_realistic() { echo "0.9 1.5"; }
target_sluice_realistic() {
  sluice_write_config "$2/config" "$1" "$BENCH_DIR/rules/realistic.zts"
  sluice_exec "$2/config"
}

# ------------------------------------------------------------------------------------ compression
# A 20 KB HTML page from the nodes, gzip level 1 to the client, keep-alive on both sides; Sluice
# is compared with nginx doing the same (gzip on, gzip_proxied any, gzip_vary on).
path_nginx_gzip() { echo /page20k.html; }
wrkargs_nginx_gzip() { printf '%s\n' -H 'Accept-Encoding: gzip'; }
describe_nginx_gzip() { echo "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), 1 worker, gzip level 1 of a 20 KB page"; }
goal_nginx_gzip() { echo none; }
target_nginx_gzip() {
  nginx_proxy_conf "$1" "$2"
  sed -i 's/^  server {$/  gzip on; gzip_comp_level 1; gzip_proxied any; gzip_vary on; gzip_min_length 1000;\n  server {/' "$2/nginx.conf"
  exec nginx -p "$2" -c "$2/nginx.conf" -e "$2/error.log" -g 'daemon off;'
}

path_sluice_gzip() { echo /page20k.html; }
wrkargs_sluice_gzip() { printf '%s\n' -H 'Accept-Encoding: gzip'; }
describe_sluice_gzip() { echo "Sluice $(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null), gzip level 1 of a 20 KB page"; }
ref_sluice_gzip() { echo nginx_gzip; }
target_sluice_gzip() {
  SLUICE_VS_SECTIONS=',
  "gzip": {"enabled": true, "compress_level": 1}' sluice_write_config "$2/config" "$1"
  sluice_exec "$2/config"
}

# ------------------------------------------------------------------------------------ cache hits
# The proxy caches the nodes' 1 KB object (/obj1k): after the first request every request is a hit that
# touches no node, so this measures each proxy's own cost per cached answer. The nodes send no
# Cache-Control: nginx caches by proxy_cache_valid, Sluice by a response rule that adds one
# (bench/rules/cacheable.zts, run on misses only). Not in the default TARGETS.
path_nginx_cache() { echo /obj1k; }
path_sluice_cache() { echo /obj1k; }
describe_nginx_cache() { echo "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), 1 worker, proxy_cache (proxy_cache_valid 200 1h)"; }
goal_nginx_cache() { echo none; }
target_nginx_cache() {
  NGINX_HTTP_EXTRA="  proxy_cache_path $2/cache keys_zone=bench:10m use_temp_path=off;"$'\n' \
    NGINX_LOCATION_EXTRA="      proxy_cache bench;"$'\n'"      proxy_cache_valid 200 1h;"$'\n' \
    nginx_proxy_conf "$1" "$2"
  # Started as root, nginx's workers run as another user, who cannot write under the private run
  # directory: they stay root here (the cache files are the only thing they write).
  if [ "$(id -u)" = 0 ]; then sed -i '1i user root;' "$2/nginx.conf"; fi
  exec nginx -p "$2" -c "$2/nginx.conf" -e "$2/error.log" -g 'daemon off;'
}
describe_sluice_cache() { echo "Sluice $(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null) with web_cache (bench/rules/cacheable.zts makes the answers cacheable)"; }
ref_sluice_cache() { echo nginx_cache; }
goal_sluice_cache() { echo "1.0 1.5"; }
target_sluice_cache() {
  SLUICE_RULES_KEY=response_rules SLUICE_VS_SECTIONS=', "web_cache": {"enabled": true}' \
    sluice_write_config "$2/config" "$1" "$BENCH_DIR/rules/cacheable.zts"
  sluice_exec "$2/config"
}

# Sluice with a service protection class (banned and allowed lists, connection limits and a
# connection rate, none of them reached by the load) and a rule that sends every request
# through a rate class far above the load (bench/rules/rate-use.zts), compared with plain
# `sluice`: the goal (issue #13) is that they cost at most 5 % of throughput.
describe_sluice_protected() { echo "Sluice $(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null) with a protection class and rate.use"; }
ref_sluice_protected() { echo sluice; }
goal_sluice_protected() { echo "0.95 1.5"; }
target_sluice_protected() {
  local dir="$2/config"
  sluice_write_config "$dir" "$1" "$BENCH_DIR/rules/rate-use.zts"
  mkdir -p "$dir/protection" "$dir/rate"
  sed -i 's/"request_rules": \[/"protection_class": "bench-guard", "request_rules": [/' "$dir/virtual_servers/bench"
  cat >"$dir/protection/bench-guard" <<EOF
{"properties": {
  "access_restriction": {"banned": ["10.0.0.0/8", "192.0.2.0/24", "2001:db8::/32"], "allowed": ["198.51.100.0/24"]},
  "concurrent_connections": {"max_1_connections": 100000, "max_10_connections": 1000000, "min_connections": 4},
  "connection_rate": {"max_connection_rate": 100000000, "rate_timer": 60}
}}
EOF
  cat >"$dir/rate/bench-rate" <<EOF
{"properties": {"basic": {"max_rate_per_second": 10000000}}}
EOF
  sluice_exec "$dir"
}

# ------------------------------------------------------------------------------------ cluster
# Sluice as a member of a cluster (issue #16), its store a redis-server of its own started beside
# it (in its process group, so it stops with it; its CPU is not counted), on port PORT + 1000.
# sluice_cluster is compared with plain `sluice`: the goal is that cluster mode costs at most 5 %
# on the plain HTTP path (no persistence, no rate class). The *_persist pair reports what an `ip`
# persistence class costs alone and in a cluster (every new mapping is published).
cluster_store() {
  local dir=$1 port=$(($2 + 1000))
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" >"$dir/redis.log" 2>&1 &
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  echo "redis://127.0.0.1:$port/0"
}
describe_sluice_cluster() { echo "Sluice $(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null), one worker, a cluster member (--cluster, its own redis-server)"; }
ref_sluice_cluster() { echo sluice; }
goal_sluice_cluster() { echo "0.95 1.5"; }
target_sluice_cluster() {
  local url
  url=$(cluster_store "$2" "$1")
  sluice_write_config "$2/config" "$1"
  SLUICE_EXTRA_ARGS="--cluster $url --api off" sluice_exec "$2/config"
}
describe_sluice_persist() { echo "Sluice $(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null), one worker, an ip persistence class"; }
ref_sluice_persist() { echo sluice; }
goal_sluice_persist() { echo none; }
sluice_persist_config() {
  SLUICE_POOL_BASIC_EXTRA=', "persistence_class": "bench-ip"' sluice_write_config "$1" "$2"
  mkdir -p "$1/persistence"
  echo '{"properties": {"basic": {"type": "ip"}}}' >"$1/persistence/bench-ip"
}
target_sluice_persist() {
  sluice_persist_config "$2/config" "$1"
  sluice_exec "$2/config"
}
describe_sluice_cluster_persist() { echo "Sluice $(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null), one worker, an ip persistence class, a cluster member"; }
ref_sluice_cluster_persist() { echo sluice_persist; }
goal_sluice_cluster_persist() { echo none; }
target_sluice_cluster_persist() {
  local url
  url=$(cluster_store "$2" "$1")
  sluice_persist_config "$2/config" "$1"
  SLUICE_EXTRA_ARGS="--cluster $url --api off" sluice_exec "$2/config"
}

# ------------------------------------------------------------------------------------ TLS offload
# HTTPS to the proxy, plain HTTP to the nodes. Two loads per server:
#   *_tls     keep-alive HTTPS requests per second (few handshakes);
#   *_tls_hs  one request per connection (wrk -H 'Connection: close'): new TLS handshakes per second.
# Both servers use the same self-signed certificate, made once per run in $RUN_DIR/tls
# (TLS_KEY_TYPE: ec = ECDSA P-256 [default], rsa = RSA 2048). TLS 1.2 and 1.3, no session
# resumption on the wrk side, so every new connection is a full handshake.

# bench_tls_cert: prints "CERT KEY" paths, making them on first use.
bench_tls_cert() {
  local dir="$RUN_DIR/tls" alg
  if [ ! -s "$dir/cert.pem" ]; then
    mkdir -p "$dir"
    case "${TLS_KEY_TYPE:-ec}" in
      rsa) alg=(-newkey rsa:2048) ;;
      *) alg=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1) ;;
    esac
    # Written under a temporary name, so a half-made pair is never used.
    openssl req -x509 "${alg[@]}" -nodes -days 2 -subj "/CN=127.0.0.1" \
      -addext "subjectAltName=IP:127.0.0.1" -keyout "$dir/key.tmp" -out "$dir/cert.tmp" >/dev/null 2>&1 || return 1
    mv "$dir/key.tmp" "$dir/key.pem" && mv "$dir/cert.tmp" "$dir/cert.pem"
  fi
  echo "$dir/cert.pem $dir/key.pem"
}

# nginx_proxy_conf PORT DIR [CERT KEY]: nginx as a one-worker reverse proxy to $BACKENDS with
# upstream keep-alive; with CERT and KEY it terminates TLS (1.2 and 1.3) on PORT. NGINX_HTTP_EXTRA
# and NGINX_LOCATION_EXTRA (whole lines) go inside `http {` and `location / {`.
nginx_proxy_conf() {
  local port=$1 dir=$2 cert=${3:-} key=${4:-} upstreams="" b tls=""
  mkdir -p "$dir/tmp"
  for b in ${BACKENDS//,/ }; do upstreams+="    server $b;"$'\n'; done
  if [ -n "$cert" ]; then
    tls="    ssl_certificate $cert;"$'\n'"    ssl_certificate_key $key;"$'\n'"    ssl_protocols TLSv1.2 TLSv1.3;"$'\n'
  fi
  nginx_http_head "$dir" >"$dir/nginx.conf"
  cat >>"$dir/nginx.conf" <<CONF
${NGINX_HTTP_EXTRA:-}  upstream bench_pool {
$upstreams    keepalive 256;
    keepalive_requests 100000000;
    keepalive_timeout 300s;
  }
  server {
    listen 127.0.0.1:$port${cert:+ ssl}${NGINX_LISTEN_EXTRA:-} backlog=4096;
$tls    location / {
      proxy_pass http://bench_pool;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
${NGINX_LOCATION_EXTRA:-}    }
  }
}
CONF
}

target_nginx_tls() {
  local pair
  pair=$(bench_tls_cert) || { echo "openssl could not make a certificate" >&2; exit 1; }
  # shellcheck disable=SC2086 # two paths, split on purpose
  nginx_proxy_conf "$1" "$2" $pair
  exec nginx -p "$2" -c "$2/nginx.conf" -e "$2/error.log" -g 'daemon off;'
}
target_sluice_tls() {
  local pair cert key
  pair=$(bench_tls_cert) || { echo "openssl could not make a certificate" >&2; exit 1; }
  read -r cert key <<<"$pair"
  SLUICE_TLS_CERT=$cert SLUICE_TLS_KEY=$key sluice_write_config "$2/config" "$1"
  sluice_exec "$2/config"
}
target_nginx_tls_hs() { target_nginx_tls "$@"; }
target_sluice_tls_hs() { target_sluice_tls "$@"; }

scheme_nginx_tls() { echo https; }
scheme_sluice_tls() { echo https; }
scheme_nginx_tls_hs() { echo https; }
scheme_sluice_tls_hs() { echo https; }
wrkargs_nginx_tls_hs() { printf '%s\n' -H 'Connection: close'; }
wrkargs_sluice_tls_hs() { printf '%s\n' -H 'Connection: close'; }
ref_nginx_tls() { echo nginx_tls; }
ref_nginx_tls_hs() { echo nginx_tls_hs; }
ref_sluice_tls() { echo nginx_tls; }
ref_sluice_tls_hs() { echo nginx_tls_hs; }
describe_nginx_tls() { echo "nginx as TLS offload (HTTPS in, HTTP to the nodes), keep-alive HTTPS requests; $(openssl version)"; }
describe_nginx_tls_hs() { echo "nginx as TLS offload, one request per connection (new TLS handshakes)"; }
describe_sluice_tls() { echo "Sluice as TLS offload (basic.ssl_decrypt), keep-alive HTTPS requests"; }
describe_sluice_tls_hs() { echo "Sluice as TLS offload, one request per connection (new TLS handshakes)"; }

# ------------------------------------------------------------------------------------ Node floors
# The least any Node.js proxy can cost on this machine, measured in the same run: a byte relay
# with one node connection per client connection and no HTTP work (bench/floor/relay.ts), with
# and without TLS, and a node:tls server that answers by itself for the handshake case
# (bench/floor/tls-answer.ts). They are compared with nginx like Sluice, so the report shows how
# much of a gap is Node's own (sockets, streams, TLS) and how much is Sluice's.
floor_exec() {
  cd "$REPO_DIR" || exit 1
  exec "$REPO_DIR/node_modules/.bin/node" "$@"
}
describe_node_floor() { echo "floor: Node $("$REPO_DIR/node_modules/.bin/node" -v) byte relay, no HTTP work (bench/floor/relay.ts)"; }
target_node_floor() { floor_exec bench/floor/relay.ts "$1" "$BACKENDS"; }
describe_node_floor_tls() { echo "floor: Node byte relay terminating TLS, keep-alive HTTPS (bench/floor/relay.ts)"; }
target_node_floor_tls() {
  local pair
  pair=$(bench_tls_cert) || { echo "openssl could not make a certificate" >&2; exit 1; }
  # shellcheck disable=SC2086 # two paths, split on purpose
  floor_exec bench/floor/relay.ts "$1" "$BACKENDS" $pair
}
describe_node_floor_tls_hs() { echo "floor: node:tls server answering by itself, one request per connection (bench/floor/tls-answer.ts)"; }
target_node_floor_tls_hs() {
  local pair
  pair=$(bench_tls_cert) || { echo "openssl could not make a certificate" >&2; exit 1; }
  # shellcheck disable=SC2086 # two paths, split on purpose
  floor_exec bench/floor/tls-answer.ts "$1" $pair
}
scheme_node_floor_tls() { echo https; }
scheme_node_floor_tls_hs() { echo https; }
wrkargs_node_floor_tls_hs() { printf '%s\n' -H 'Connection: close'; }
goal_node_floor() { echo none; }
goal_node_floor_tls() { echo none; }
goal_node_floor_tls_hs() { echo none; }
ref_node_floor_tls() { echo nginx_tls; }
ref_node_floor_tls_hs() { echo nginx_tls_hs; }

# ------------------------------------------------------------------------------------ multi-core
# Every core (issue #15): nothing pinned (proxy, nodes and wrk share both cores), plain HTTP,
# with one and with two workers, so each proxy's own scaling (2 over 1) shows beside the ratio.
unpinned_nginx_mc1() { :; }
unpinned_nginx_mc2() { :; }
unpinned_sluice_mc1() { :; }
unpinned_sluice_mc2() { :; }
describe_nginx_mc1() { echo "nginx, 1 worker, nothing pinned (multi-core case)"; }
describe_nginx_mc2() { echo "nginx, 2 workers, nothing pinned (multi-core case)"; }
describe_sluice_mc1() { echo "Sluice --workers 1, nothing pinned (multi-core case)"; }
describe_sluice_mc2() { echo "Sluice --workers 2, nothing pinned (multi-core case)"; }
goal_nginx_mc1() { echo none; }
goal_nginx_mc2() { echo none; }
ref_nginx_mc1() { echo nginx_mc1; }
ref_nginx_mc2() { echo nginx_mc2; }
ref_sluice_mc1() { echo nginx_mc1; }
ref_sluice_mc2() { echo nginx_mc2; }
goal_sluice_mc1() { echo none; }
goal_sluice_mc2() { echo "0.8 1.5"; }
target_nginx_mc1() { NGINX_WORKERS=1 target_nginx "$@"; }
target_nginx_mc2() { NGINX_WORKERS=2 target_nginx "$@"; }
target_sluice_mc1() { SLUICE_WORKERS=1 target_sluice "$@"; }
target_sluice_mc2() { SLUICE_WORKERS=2 target_sluice "$@"; }

# ------------------------------------------------------------------------------------ HTTP/2
# HTTP/2 over TLS towards clients (issue #17), driven by h2load: many streams over few
# connections (4 connections, 32 streams each at a time), and one stream at a time on each of
# 50 connections. nginx with `http2` on its TLS listener; Sluice with its default http2 keys.
target_nginx_h2() { NGINX_LISTEN_EXTRA=" http2" target_nginx_tls "$@"; }
target_nginx_h2_1s() { NGINX_LISTEN_EXTRA=" http2" target_nginx_tls "$@"; }
# 128 streams in flight need as many node connections: Sluice keeps up to 256 idle ones per node
# for these cases, as nginx's `keepalive 256` does (vTM's default, 50, would close and reopen the rest).
target_sluice_h2() { SLUICE_POOL_BASIC_EXTRA=', "max_idle_connections_pernode": 256' target_sluice_tls "$@"; }
target_sluice_h2_1s() { SLUICE_POOL_BASIC_EXTRA=', "max_idle_connections_pernode": 256' target_sluice_tls "$@"; }
scheme_nginx_h2() { echo https; }
scheme_sluice_h2() { echo https; }
scheme_nginx_h2_1s() { echo https; }
scheme_sluice_h2_1s() { echo https; }
h2load_nginx_h2() { printf '%s\n' -c 4 -m 32 -t 1; }
h2load_sluice_h2() { printf '%s\n' -c 4 -m 32 -t 1; }
h2load_nginx_h2_1s() { printf '%s\n' -c 50 -m 1 -t 1; }
h2load_sluice_h2_1s() { printf '%s\n' -c 50 -m 1 -t 1; }
ref_nginx_h2() { echo nginx_h2; }
ref_nginx_h2_1s() { echo nginx_h2_1s; }
ref_sluice_h2() { echo nginx_h2; }
ref_sluice_h2_1s() { echo nginx_h2_1s; }
goal_nginx_h2() { echo none; }
goal_nginx_h2_1s() { echo none; }
goal_sluice_h2() { echo "0.8 1.5"; }
goal_sluice_h2_1s() { echo "0.8 1.5"; }
describe_nginx_h2() { echo "nginx, HTTP/2 over TLS (http2 on the listener), h2load: 4 connections x 32 streams"; }
describe_nginx_h2_1s() { echo "nginx, HTTP/2 over TLS, h2load: 50 connections x 1 stream at a time"; }
describe_sluice_h2() { echo "Sluice, HTTP/2 over TLS (ALPN h2), h2load: 4 connections x 32 streams"; }
target_node_floor_h2() {
  local pair
  pair=$(bench_tls_cert) || { echo "openssl could not make a certificate" >&2; exit 1; }
  # shellcheck disable=SC2086 # two paths, split on purpose
  floor_exec bench/floor/h2-answer.ts "$1" $pair
}
target_node_floor_h2_1s() { target_node_floor_h2 "$@"; }
# The proxying floor: node:http2 in front, a fixed HTTP/1.1 GET to the nodes on kept-alive
# connections behind (bench/floor/h2-relay.ts): what Sluice's HTTP/2 case can at most reach.
describe_node_floor_h2_relay() { echo "floor: node:http2 relaying each stream as a fixed HTTP/1.1 GET on kept-alive node connections (bench/floor/h2-relay.ts)"; }
ref_node_floor_h2_relay() { echo nginx_h2; }
goal_node_floor_h2_relay() { echo none; }
scheme_node_floor_h2_relay() { echo https; }
h2load_node_floor_h2_relay() { printf '%s\n' -c 4 -m 32 -t 1; }
target_node_floor_h2_relay() {
  local pair
  pair=$(bench_tls_cert) || { echo "openssl could not make a certificate" >&2; exit 1; }
  # shellcheck disable=SC2086 # two paths, split on purpose
  floor_exec bench/floor/h2-relay.ts "$1" "$BACKENDS" $pair
}
scheme_node_floor_h2() { echo https; }
scheme_node_floor_h2_1s() { echo https; }
h2load_node_floor_h2() { printf '%s\n' -c 4 -m 32 -t 1; }
h2load_node_floor_h2_1s() { printf '%s\n' -c 50 -m 1 -t 1; }
ref_node_floor_h2() { echo nginx_h2; }
ref_node_floor_h2_1s() { echo nginx_h2_1s; }
goal_node_floor_h2() { echo none; }
goal_node_floor_h2_1s() { echo none; }
describe_node_floor_h2() { echo "floor: node:http2 server answering every stream by itself (bench/floor/h2-answer.ts), 4 connections x 32 streams"; }
describe_node_floor_h2_1s() { echo "floor: node:http2 server answering by itself, 50 connections x 1 stream at a time"; }
describe_sluice_h2_1s() { echo "Sluice, HTTP/2 over TLS (ALPN h2), h2load: 50 connections x 1 stream at a time"; }
