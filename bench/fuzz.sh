#!/usr/bin/env bash
# Fuzzes the proxy's hostile-input parsers (issue 6) for a bounded time each and prints a
# summary per target; exits non-zero if any target crashed. Not part of scripts/test.sh.
#
#   bash bench/fuzz.sh [seconds-per-target] [target ...]    (default: 60 s, every target)
#   FUZZ_SECONDS=30 bash bench/fuzz.sh                       (the same, from the environment)
#   FUZZ_SANITIZER=none bash bench/fuzz.sh                   (cargo-fuzz --sanitizer; default address)
#
# Targets (fuzz/fuzz_targets): webhook_signature (the X-HangHut-Signature check),
# webhook_hanghut (HangHut's webhook body parser), webhook_platforms (the TicketWave, vivenu,
# Ingresse and Tixel parsers; corpus seeded with their documents' payloads), checkout_request
# (JSON and form checkout bodies, then CheckoutRequest::validate).
#
# cargo-fuzz drives rustc with -Z flags (sanitizer, coverage), which the stable toolchain takes
# only with RUSTC_BOOTSTRAP=1: set here, for this benchmark alone; no build of the product uses
# it (the widget and the servers build with plain stable Rust). AddressSanitizer, cargo-fuzz's default, works on this
# machine (Debian 12, rustc 1.95.0), so it stays on: the proxy forbids unsafe code, but its
# dependencies (serde_json, hex, hmac) are checked too.
#
# Corpus: libFuzzer reads every directory given and writes what it finds only to the first.
# That first one is fuzz/target/corpus/<target> (ignored by git, kept between runs so a later
# run starts where an earlier one stopped); the committed seeds in fuzz/corpus/<target> and
# the committed crash inputs in fuzz/regressions/<target> are read but never written. Crash
# inputs land in fuzz/artifacts/<target> (ignored by git): a crash that is fixed gets its
# input copied to fuzz/regressions/<target> and a unit test in the crate that owns the code.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

CARGO_FUZZ_VERSION=0.13.2
seconds=${FUZZ_SECONDS:-60}
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then seconds=$1; shift; fi
sanitizer=${FUZZ_SANITIZER:-address}
all_targets=(webhook_signature webhook_hanghut webhook_platforms checkout_request)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all_targets[@]}"); fi

# libfuzzer-sys compiles libFuzzer (C++).
if ! command -v c++ >/dev/null; then
  step "installing g++ (libFuzzer is C++)"
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root to run: $*"; fi; }
  as_root apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq g++ >/dev/null
fi
if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  step "installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION"
fi

export RUSTC_BOOTSTRAP=1
cd fuzz
step "building the fuzz targets (sanitizer: $sanitizer)"
files() { find "$1" -type f 2>/dev/null | wc -l || true; }
log_dir=target/fuzz-logs
mkdir -p "$log_dir"
if ! cargo fuzz build --sanitizer "$sanitizer" >"$log_dir/build.log" 2>&1; then
  tail -30 "$log_dir/build.log" >&2
  die "the fuzz targets did not build (fuzz/$log_dir/build.log)"
fi
failed=0
summary=()
for t in "${targets[@]}"; do
  work=target/corpus/$t
  mkdir -p "$work" "corpus/$t"
  dirs=("$work" "corpus/$t")
  [ -d "regressions/$t" ] && dirs+=("regressions/$t")
  before=$(files "$work")
  artifacts_before=$(files "artifacts/$t")
  seeds=$(files "corpus/$t")
  step "fuzzing $t for $seconds s ($seeds seeds, $before in the working corpus)"
  log=$log_dir/$t.log
  status=0
  cargo fuzz run --sanitizer "$sanitizer" "$t" "${dirs[@]}" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1 || true)
  new=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -1 || true)
  corp=$(grep -o 'corp: [0-9]*/[0-9a-zA-Z]*' "$log" | tail -1 | cut -d' ' -f2 || true)
  after=$(files "$work")
  crashes=$(( $(files "artifacts/$t") - artifacts_before ))
  if [ "$status" != 0 ]; then
    failed=1
    crash="CRASH (exit $status; see fuzz/$log and fuzz/artifacts/$t)"
    grep -E "panicked at|ERROR: |SUMMARY: " "$log" | head -5 >&2 || true
  else
    crash="no crash"
  fi
  summary+=("$(printf '%-18s %4s s  execs %-10s new units %-6s corpus %-12s files %s->%s  %s' \
    "$t" "$seconds" "${execs:-?}" "${new:-?}" "${corp:-?}" "$before" "$after" "$crash")")
  if [ "$crashes" -gt 0 ]; then summary+=("                   $crashes new crash input(s) in fuzz/artifacts/$t"); fi
done

step "summary (sanitizer $sanitizer, $(nproc) cores, $(rustc --version | cut -d' ' -f1-2))"
printf '%s\n' "${summary[@]}"
exit $failed
