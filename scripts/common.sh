# Shared by the scripts in this folder. Puts the project's tools on PATH.
step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# shellcheck disable=SC1091
[ -f "$ROOT/.tessera-env" ] && source "$ROOT/.tessera-env"
# With Debian's std-from-source toolchain, wasm builds use /usr/bin's cargo first.
wasm_env() { if [ -n "${TESSERA_WASM_PATH:-}" ]; then PATH="$TESSERA_WASM_PATH:$PATH" "$@"; else "$@"; fi; }

# The release widget rebuilds std for wasm32 so that a panic aborts without a message and
# no Debug formatting or panic locations are compiled in: about 14 KB less brotli for every
# buyer (bench/RESULTS.md). Needs the std source (rust-src, or Debian's rust-web-src);
# RUSTC_BOOTSTRAP lets the stable compiler take these -Z flags, as Debian's fallback already does.
# The stack is 256 KiB instead of rustc's 1 MiB: the wasm memory a page holds shrinks from 18 to
# 6 pages of 64 KiB. rustc puts the stack first in memory, so an overflow traps rather than
# overwriting data.
widget_release_env() {
  RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none -Clink-arg=-zstack-size=262144" \
    wasm_env "$@"
}
