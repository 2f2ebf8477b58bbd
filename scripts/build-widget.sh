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
# The stylesheet is ours: minified for the wire with esbuild (npm, package-lock.json); the
# source stays readable in the repository. wasm-bindgen's glue is served as wasm-bindgen wrote it.
esbuild dist/tessera.css --minify --log-level=warning --outfile=dist/tessera.css --allow-overwrite
# Every file the loader fetches, but the loader itself, gets a name with a hash of its content,
# so the proxy can serve it as immutable: a buyer's second page view downloads none of them
# again, and a new build can never be mixed with an old one in a cache.
hashed() { # path → its new name, relative to dist/
  local f=$1 dir base hash
  dir=$(dirname "$f"); base=$(basename "$f"); hash=$(sha256sum "$f" | cut -c1-12)
  mv "$f" "$dir/${base%.*}-$hash.${base##*.}"
  printf '%s' "${dir#dist}/${base%.*}-$hash.${base##*.}" | sed 's|^/||'
}
langs=()
for f in dist/lang/*.txt; do
  code=$(basename "$f" .txt)
  langs+=("\"$code\":\"$(hashed "$f")\"")
done
files=$(printf '{"js":"%s","wasm":"%s","css":"%s","lang":{%s}}' \
  "$(hashed dist/tessera-widget.js)" "$(hashed dist/tessera-widget_bg.wasm)" "$(hashed dist/tessera.css)" \
  "$(IFS=,; echo "${langs[*]}")")
printf '%s\n' "$files" > dist/files.json
# The loader keeps its one stable name (site owners embed it) and learns the others here.
esbuild loader/tessera.js --minify --log-level=warning --define:__TESSERA_FILES__="$files" --outfile=dist/tessera.js
# Site owners' TypeScript types (the element, its attributes, every tessera:* event's detail).
cp loader/tessera.d.ts dist/tessera.d.ts
for f in dist/*.wasm dist/*.js dist/*.css dist/lang/*.txt; do
  brotli -f -q 11 -o "$f.br" "$f"
  gzip -f -9 -k "$f"
done
# Subresource Integrity for the snippet site owners paste: the loader is the one file they
# reference themselves (it then loads the rest from the same, pinned, folder).
sri=$(python3 -c 'import base64, hashlib, sys; print("sha384-" + base64.b64encode(hashlib.sha384(open(sys.argv[1], "rb").read()).digest()).decode())' dist/tessera.js)
printf '{"tessera.js": "%s"}\n' "$sri" > dist/integrity.json
step "widget built in dist/ (tessera.js integrity $sri)"
