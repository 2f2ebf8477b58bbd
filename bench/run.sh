#!/usr/bin/env bash
# Runs the proxy benchmarks over loopback and prints their figures (copy them into
# bench/RESULTS.md). `bench/run.sh [quick]`: quick uses fewer viewers and a shorter run.
# Load is bounded: at most 10,000 connections and 5 minutes per benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
step "building the release proxy and the benchmarks"
cargo build --release -p tessera-proxy -p tessera-bench --quiet
bin=target/release
if [ "${1:-}" = quick ]; then viewers=1000; widgets=200; seconds=60; else viewers=10000; widgets=1000; seconds=300; fi
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

step "(c) cached event reads, proxy on one core"
PROXY_CPU=0 taskset -c 1 $bin/cached_reads 10 32

step "(a) $viewers SSE viewers on one proxy"
$bin/sse_fanout "$viewers" 5

step "(b) $widgets simulated widgets for $seconds s against the sandbox"
$bin/widgets "$widgets" "$seconds"
