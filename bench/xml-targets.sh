# shellcheck shell=bash
# XML targets for bench/run.sh (issue #18): the cost of an XPath-routing rule on the request path.
# Both targets take the same load, a 5.8 KB SOAP POST per request (bench/xml/soap-post.lua), so
# their req/s compare directly, in one run:
#   BENCH_TARGET_FILES=bench/xml-targets.sh TARGETS="sluice_soap sluice_soap_xpath" npm run bench
export SOAP_BODY_FILE="$REPO_DIR/test/fixtures/xml/soap11-quotes.xml"

describe_sluice_soap() { echo "Sluice $(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null), no rule, 5.8 KB SOAP POSTs"; }
wrkargs_sluice_soap() { printf '%s\n' -s "$BENCH_DIR/xml/soap-post.lua"; }
goal_sluice_soap() { echo none; }
target_sluice_soap() {
  sluice_write_config "$2/config" "$1"
  sluice_exec "$2/config"
}

describe_sluice_soap_xpath() { echo "Sluice $(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null) routing 5.8 KB SOAP POSTs on an XPath count (bench/rules/xpath-route.zts)"; }
wrkargs_sluice_soap_xpath() { printf '%s\n' -s "$BENCH_DIR/xml/soap-post.lua"; }
ref_sluice_soap_xpath() { echo sluice_soap; }
goal_sluice_soap_xpath() { echo none; }
target_sluice_soap_xpath() {
  sluice_write_config "$2/config" "$1" "$BENCH_DIR/rules/xpath-route.zts"
  sluice_exec "$2/config"
}
