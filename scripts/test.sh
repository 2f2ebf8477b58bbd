#!/usr/bin/env bash
# One command for every test: installs what is missing, then runs the unit and integration
# tests of the servers, the widget's tests in headless Chromium, and the end-to-end tests
# that click through the demo page in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/common.sh

step "core, sandbox and proxy: unit and integration tests (real HTTP, real SQLite)"
cargo test -p tessera-core -p tessera-sandbox -p tessera-proxy

step "widget logic that needs no browser (language tables), on the host"
cargo test -p tessera-widget --lib

step "widget tests in headless Chromium (wasm-bindgen-test)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
CHROMEDRIVER=$(command -v chromedriver) WASM_BINDGEN_TEST_TIMEOUT=120 \
  wasm_env cargo test --target wasm32-unknown-unknown -p tessera-widget

scripts/build-widget.sh
step "size budget of the built widget (brotli bytes a buyer downloads)"
node --test tests/size/
step "building the proxy binary for the end-to-end tests"
cargo build -p tessera-proxy --quiet

step "end-to-end tests in headless Chromium"
node --test --test-concurrency=1 tests/e2e/
