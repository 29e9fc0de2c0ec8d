#!/usr/bin/env bash
# Packs Sluice as `npm pack` does for a release, installs the tarball into a temporary prefix
# with the machine's own npm (as a user would: `npm install -g`), and runs the installed
# `sluice` outside the repository: `--version`, `check` and a short start of the quick-start
# configuration. It does so once with the machine's `node` first on PATH (which may be older than
# 24: the command must then find the Node 24 the package depends on) and once with Node 24
# first, then once more through `npx --package TARBALL`. Called by .ci/run.
#
# The quick start listens on the fixed ports 8080 and 9001-9003: run this when nothing else does.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/sluice-package.XXXXXX")"
pid=''
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

pinned_node="$repo/node_modules/.bin/node"
system_path="$(printf '%s' "$PATH" | tr ':' '\n' | grep -v "^$repo/node_modules/.bin\$" | paste -sd: -)"

echo "== npm pack"
(cd "$repo" && PATH="$repo/node_modules/.bin:$system_path" npm pack --silent --pack-destination "$work" >/dev/null)
tarball="$(ls "$work"/sluice-*.tgz)"
listing="$(tar -tzf "$tarball")"
grep -qx 'package/dist/cli/main.js' <<<"$listing" || { echo "the tarball has no dist/cli/main.js"; exit 1; }
grep -qx 'package/LICENSE' <<<"$listing" || { echo "the tarball has no LICENSE"; exit 1; }
if grep -q '^package/src/' <<<"$listing"; then echo "the tarball carries src/ (TypeScript under node_modules cannot run)"; exit 1; fi

echo "== npm install -g --prefix (machine npm: $(PATH="$system_path" npm --version), node $(PATH="$system_path" node --version 2>/dev/null || echo none))"
PATH="$system_path" npm install -g --prefix "$work/prefix" --no-audit --no-fund --loglevel=error "$tarball" >/dev/null
installed="$work/prefix/lib/node_modules/sluice"
quick="$installed/examples/quickstart/config"

run_checks() {
  local label="$1" path="$2"
  echo "== $label: node $(PATH="$path" node --version 2>/dev/null || echo none)"
  local version
  version="$(cd "$work" && PATH="$path" sluice --version)"
  [[ "$version" =~ ^sluice\ [0-9]+\.[0-9]+\.[0-9]+ ]] || { echo "unexpected --version output: $version"; exit 1; }
  echo "$version"
  (cd "$work" && PATH="$path" sluice check --config "$quick")
  local log="$work/start-$label.log"
  (cd "$work" && PATH="$path" exec sluice start --api 127.0.0.1:19070) >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    grep -q 'press Ctrl-C' "$log" && break
    kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "sluice start exited early"; exit 1; }
    sleep 0.1
  done
  grep -q 'press Ctrl-C' "$log" || { cat "$log"; echo "sluice start did not come up"; exit 1; }
  curl -fsS --max-time 5 http://127.0.0.1:8080/ | grep -q 'Hello from node-' || { cat "$log"; echo "no answer through the quick start"; exit 1; }
  # The web UI ships in the package: its page, and a module served as JavaScript.
  curl -fsS --max-time 5 -H 'Accept: text/html' http://127.0.0.1:19070/ | grep -q '/ui/main.ts' || { cat "$log"; echo "no web UI page from the package"; exit 1; }
  curl -fsS --max-time 5 http://127.0.0.1:19070/ui/main.ts | grep -q 'import' || { cat "$log"; echo "no web UI module from the package"; exit 1; }
  kill -TERM "$pid"
  local code=0
  wait "$pid" || code=$?
  pid=''
  [ "$code" -eq 0 ] || { cat "$log"; echo "sluice start exited $code on SIGTERM"; exit 1; }
  grep -q 'stopped' "$log" || { cat "$log"; echo "no 'stopped' line"; exit 1; }
  echo "start, one request through the quick start, the web UI, SIGTERM: exit 0"
}

if PATH="$system_path" command -v node >/dev/null 2>&1; then
  run_checks machine-node "$work/prefix/bin:$system_path"
fi
mkdir -p "$work/node24"
ln -s "$(readlink -f "$pinned_node")" "$work/node24/node"
run_checks node-24 "$work/prefix/bin:$work/node24:$system_path"

echo "== npx --package TARBALL sluice --version"
(cd "$work" && PATH="$system_path" npx --yes --package "$tarball" sluice --version)
echo "package check passed"
