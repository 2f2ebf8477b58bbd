#!/usr/bin/env bash
# tessera vs pretix's widget (issue 8), one command: builds the release widget, proxy and proxy
# benchmarks; fetches pretix's wheel from PyPI and rebuilds the widget files its server sends;
# measures bytes on the wire, time to the first tier price in headless Chromium (cold cache,
# unthrottled and 4× CPU throttling), JS heap and wasm memory, cached reads and SSE fan-out;
# prints one table and writes it into bench/RESULTS.md ("tessera vs pretix (issue 8)").
#
#   bash bench/compare.sh [--no-build]
#   env: RUNS=25 (cold loads per widget and setting), SSE_VIEWERS=10000, PRETIX_VERSION=2026.8.0
# About 6 minutes after the builds on 2 cores; run it on an otherwise idle machine.
#
# Downloads (into bench/out/, ignored by git): the pretix wheel (no dependencies), and, in a venv
# of its own, the Django 5.2, django-compressor 4.6.0 (rjsmin) and libsass 0.23 that pretix pins,
# to rebuild its widget JS and CSS exactly as its server does. Nothing is committed by this script.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
PRETIX_VERSION=${PRETIX_VERSION:-2026.8.0}
RUNS=${RUNS:-25}
out=bench/out
mkdir -p "$out/pretix" "$out/compare"

if [ "${1:-}" != --no-build ]; then
  scripts/build-widget.sh
  step "building the release proxy and the benchmarks"
  cargo build --release -p tessera-proxy -p tessera-bench --quiet
fi
[ -f dist/files.json ] && [ -x target/release/tessera-proxy ] && [ -x target/release/cached_reads ] \
  || die "build first (bash bench/compare.sh without --no-build)"

step "pretix $PRETIX_VERSION: the wheel from PyPI, its widget JS and CSS as its server sends them"
command -v python3 >/dev/null || die "python3 is missing (scripts/setup.sh installs it)"
py=$out/pyenv/bin/python
[ -x "$py" ] || python3 -m venv "$out/pyenv" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
"$py" -m pip install --quiet --disable-pip-version-check "Django>=5.2.17,<5.3" "django-compressor==4.6.0" "libsass==0.23.*"
wheel=$out/pretix/pretix-$PRETIX_VERSION-py3-none-any.whl
[ -f "$wheel" ] || "$py" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
  -d "$out/pretix" "pretix==$PRETIX_VERSION"
"$py" bench/pretix_assets.py "$wheel" "$out/pretix-assets"

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
step "proxy: cached event reads, proxy on one core (10 s)"
PROXY_CPU=0 taskset -c 1 target/release/cached_reads 10 32 | tee "$out/compare/cached_reads.txt"
viewers=${SSE_VIEWERS:-10000}
step "proxy: $viewers SSE viewers, 5 webhook rounds (the live issue's figures)"
target/release/sse_fanout "$viewers" 5 | tee "$out/compare/sse_fanout.txt"

step "browser: $RUNS cold loads per widget, unthrottled and with 4× CPU throttling"
node bench/compare.mjs --runs "$RUNS" --pretix "$out/pretix-assets" \
  --cached-reads "$out/compare/cached_reads.txt" --sse "$out/compare/sse_fanout.txt" --write-results
