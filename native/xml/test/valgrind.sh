#!/usr/bin/env bash
# Builds test/leaks.c against the addon's C files and runs it under valgrind: any memory error or
# definitely-lost block fails. For reviewers of native/xml; not part of npm test (it takes ~20 s).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
flags=$(pkg-config --cflags --libs libxml-2.0 libxslt libexslt)
# shellcheck disable=SC2086
gcc -std=gnu11 -g -O1 -Isrc test/leaks.c src/errors.c src/safety.c src/validate.c src/xpath.c src/xslt.c $flags -lpthread -o "$out/leaks"
valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=3 "$out/leaks"
