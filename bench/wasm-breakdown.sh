#!/usr/bin/env bash
# What the widget's wasm is made of, by crate. `bash bench/wasm-breakdown.sh [wasm]` takes the
# wasm-bindgen output that Trunk leaves behind (target/wasm-bindgen/release/, names still in it;
# run scripts/build-widget.sh first), optimises it with the same wasm-opt pass as the release
# build but keeping the names (-g), checks that the stripped result is the size of dist/'s, and
# prints twiggy's 40 biggest items and a table grouped by crate (bench/wasm_breakdown.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
src=${1:-target/wasm-bindgen/release/tessera-widget_bg.wasm}
out=bench/out/breakdown
mkdir -p "$out"
cp "$src" "$out/bindgen.wasm"
# Trunk's pass (index.html: data-wasm-opt="z").
wasm-opt "$out/bindgen.wasm" -g -Oz -o "$out/named.wasm"
wasm-opt "$out/named.wasm" --strip-debug -o "$out/stripped.wasm"
wasm=dist/$(python3 -c 'import json; print(json.load(open("dist/files.json"))["wasm"])')
printf 'named copy without its names: %d B; %s: %d B\n\n' "$(stat -c%s "$out/stripped.wasm")" "$wasm" "$(stat -c%s "$wasm")"
twiggy top -n 40 "$out/named.wasm" > "$out/twiggy-top40.txt"
twiggy top -f csv "$out/named.wasm" > "$out/twiggy.csv"
node bench/wasm_breakdown.mjs "$out/twiggy.csv" 40
