#!/usr/bin/env bash
# Bytes a buyer downloads for the widget: every file tessera.js loads, raw, gzip -9 and
# brotli -q 11, per file and in total. Builds the release widget first unless --no-build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
[ "${1:-}" = "--no-build" ] || scripts/build-widget.sh
# The names build-widget.sh gave them (dist/files.json).
names() { python3 -c 'import json, sys; f = json.load(open("dist/files.json")); print(*(f[k] for k in sys.argv[1:]))' "$@"; }
read -r js wasm css <<<"$(names js wasm css)"
files=(tessera.js "$js" "$wasm" "$css")
printf '| file | raw | gzip | brotli |\n|---|---:|---:|---:|\n'
tr=0; tg=0; tb=0
for f in "${files[@]}"; do
  p="dist/$f"
  r=$(stat -c%s "$p"); g=$(gzip -9c "$p" | wc -c); b=$(brotli -q 11 -c "$p" | wc -c)
  tr=$((tr + r)); tg=$((tg + g)); tb=$((tb + b))
  printf '| %s | %d | %d | %d |\n' "$f" "$r" "$g" "$b"
done
printf '| **total** | **%d** | **%d** | **%d** |\n' "$tr" "$tg" "$tb"
# Not in the total: only a buyer reading that language fetches its file (English is built in).
for p in dist/lang/*.txt; do
  printf '| %s (its readers only) | %d | %d | %d |\n' "${p#dist/}" "$(stat -c%s "$p")" "$(gzip -9c "$p" | wc -c)" "$(brotli -q 11 -c "$p" | wc -c)"
done
