#!/usr/bin/env bash
# Builds the release widget into dist/ with Trunk (which runs wasm-bindgen and wasm-opt from
# index.html's configuration), minifies the loader and the stylesheet, then writes brotli and
# gzip siblings that the proxy serves to browsers that accept them.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
# Trunk builds offline (Trunk.toml), so the crates it needs are fetched first: with a fresh
# registry (CI's, a new machine's) nothing else would have.
wasm_env cargo fetch --quiet
step "building the widget (trunk build --release)"
wasm_env trunk build --release --offline >/dev/null
# The loader and the stylesheet are ours: minified for the wire with esbuild (npm,
# package-lock.json); the sources stay readable in the repository. wasm-bindgen's glue is
# served as wasm-bindgen wrote it.
esbuild dist/tessera.js --minify --log-level=warning --outfile=dist/tessera.js --allow-overwrite
esbuild dist/tessera.css --minify --log-level=warning --outfile=dist/tessera.css --allow-overwrite
for f in dist/*.wasm dist/*.js dist/*.css dist/lang/*.txt; do
  brotli -f -q 11 -o "$f.br" "$f"
  gzip -f -9 -k "$f"
done
# Subresource Integrity for the snippet site owners paste: the loader is the one file they
# reference themselves (it then loads the rest from the same, pinned, folder).
sri=$(python3 -c 'import base64, hashlib, sys; print("sha384-" + base64.b64encode(hashlib.sha384(open(sys.argv[1], "rb").read()).digest()).decode())' dist/tessera.js)
printf '{"tessera.js": "%s"}\n' "$sri" > dist/integrity.json
step "widget built in dist/ (tessera.js integrity $sri)"
