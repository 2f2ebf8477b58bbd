#!/usr/bin/env bash
# One command for every test: installs what is missing, then runs the unit and integration
# tests of the servers, the widget's tests in headless Chromium, and the end-to-end tests
# that click through the demo page in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/common.sh
# A test run builds each crate once; incremental caches would only take disk.
export CARGO_INCREMENTAL=0

step "core, sandbox and proxy: unit and integration tests (real HTTP, real SQLite)"
cargo test -p tessera-core -p tessera-sandbox -p tessera-proxy

step "widget logic that needs no browser (language tables, live updates, the first view rendered as the proxy renders it), on the host"
cargo test -p tessera-widget --lib --features ssr

step "widget tests in headless Chromium (wasm-bindgen-test)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
CHROMEDRIVER=$(command -v chromedriver) WASM_BINDGEN_TEST_TIMEOUT=120 \
  wasm_env cargo test --target wasm32-unknown-unknown -p tessera-widget --features csr

scripts/build-widget.sh
step "the TypeScript declarations (dist/tessera.d.ts) against a site owner's code (tests/types)"
node_modules/.bin/tsc -p tests/types
step "size budget of the built widget (brotli bytes a buyer downloads)"
node --test tests/size/
step "building the proxy and sandbox binaries for the end-to-end tests"
cargo build -p tessera-proxy -p tessera-sandbox --quiet

step "schemathesis: the running proxy against its own OpenAPI document (/api/v1/openapi.json)"
# The real binary with its embedded sandbox in a scratch data dir, on loopback only. The
# per-client limits are raised so generated requests reach the handlers instead of 429s; the
# platform budget too, so unknown event ids never make it answer 503 (a "server error").
st_dir=$(mktemp -d)
st_env=(TESSERA_LISTEN=127.0.0.1:0 TESSERA_DATA_DIR="$st_dir" TESSERA_WIDGET_DIR="$st_dir" TESSERA_LOG=warn
  TESSERA_PROMO_PREVIEWS_PER_MINUTE=1000000 TESSERA_CHECKOUTS_PER_MINUTE=1000000
  TESSERA_UPSTREAM_PER_MINUTE=1000000 TESSERA_SANDBOX_RATE_LIMIT=1000000)
# The document's example preview names this code; with it the valid path is tested too.
env "${st_env[@]}" target/debug/tessera-proxy promo create --event 344c5b2c-7de4-4174-863f-682207408add \
  --code EARLYBIRD --type percentage --amount 20 >/dev/null
env "${st_env[@]}" target/debug/tessera-proxy >"$st_dir/out" 2>"$st_dir/log" &
st_pid=$!
trap 'kill $st_pid 2>/dev/null || true' EXIT
st_url=
for _ in $(seq 300); do
  st_url=$(sed -n 's|^tessera proxy listening on \(http://[^ ]*\)/$|\1|p' "$st_dir/out")
  [ -n "$st_url" ] && grep -q '^upstream: ' "$st_dir/out" && break
  kill -0 $st_pid 2>/dev/null || { cat "$st_dir/log"; die "the proxy did not start"; }
  sleep 0.1
done
[ -n "$st_url" ] || die "the proxy did not say where it listens"
# The live stream never ends, so it is left out (tests/api/live.rs covers it). The webhook is
# tested unsigned: every delivery must get the documented 401, never a 5xx. Redirects are not
# followed: a form checkout's 303 leads to the platform's payment page, not this API.
# Checked: no 5xx; every status, content type, header and body as documented; requests the
# document forbids refused. A fixed seed keeps runs comparable (about 3,800 requests, 20 s).
st_rc=0
(cd "$st_dir" && "$ROOT/.venv-tools/bin/schemathesis" run "$st_url/api/v1/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,negative_data_rejection,missing_required_header \
  --exclude-operation-id streamAvailability \
  --max-examples 300 --seed 20261123 --max-redirects 0 --request-timeout 10 \
  --generation-database none --no-color) || st_rc=$?
kill $st_pid 2>/dev/null || true; wait $st_pid || true
trap - EXIT
if grep -q panicked "$st_dir/log"; then cat "$st_dir/log"; st_rc=1; fi
rm -rf "$st_dir"
[ $st_rc = 0 ] || die "schemathesis found the proxy or its OpenAPI document wrong (see above)"

step "end-to-end tests in headless Chromium"
node --test --test-concurrency=1 tests/e2e/
