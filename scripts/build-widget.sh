#!/usr/bin/env bash
# Builds the release widget into dist/ with Trunk, then writes brotli and gzip siblings
# that the proxy serves to browsers that accept them.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
step "building the widget (trunk build --release)"
wasm_env trunk build --release --offline >/dev/null
for f in dist/*.wasm dist/*.js dist/*.css; do
  brotli -f -q 11 -o "$f.br" "$f"
  gzip -f -9 -k "$f"
done
step "widget built in dist/"
