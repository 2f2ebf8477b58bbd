#!/usr/bin/env bash
# Builds the release widget into dist/ with Trunk, then writes brotli and gzip siblings
# that the proxy serves to browsers that accept them.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
step "building the widget (trunk build --release)"
widget_release_env trunk build --release --offline >/dev/null
# Minified for the wire with esbuild (npm, package-lock.json): the wasm-bindgen glue, the loader
# and the stylesheet. The sources stay readable in the repository.
esbuild dist/tessera.js --minify --log-level=warning --outfile=dist/tessera.js --allow-overwrite
# The glue keeps only the start-up path the loader takes (scripts/slim-glue.mjs), then is bundled
# from an entry naming what the loader calls: bundling also drops what nothing calls, 16 B of
# brotli less than minifying the file in place.
node scripts/slim-glue.mjs dist/tessera-widget.js
mv dist/tessera-widget.js dist/tessera-widget.full.js
echo 'export { default, mount } from "./dist/tessera-widget.full.js";' |
  esbuild --bundle --format=esm --minify --log-level=warning --outfile=dist/tessera-widget.js
rm dist/tessera-widget.full.js
esbuild dist/tessera.css --minify --log-level=warning --outfile=dist/tessera.css --allow-overwrite
node scripts/shorten-imports.mjs dist/tessera-widget_bg.wasm dist/tessera-widget.js
for f in dist/*.wasm dist/*.js dist/*.css dist/lang/*.txt; do
  brotli -f -q 11 -o "$f.br" "$f"
  gzip -f -9 -k "$f"
done
# Subresource Integrity for the snippet site owners paste: the loader is the one file they
# reference themselves (it then loads the rest from the same, pinned, folder).
sri=$(python3 -c 'import base64, hashlib, sys; print("sha384-" + base64.b64encode(hashlib.sha384(open(sys.argv[1], "rb").read()).digest()).decode())' dist/tessera.js)
printf '{"tessera.js": "%s"}\n' "$sri" > dist/integrity.json
step "widget built in dist/ (tessera.js integrity $sri)"
