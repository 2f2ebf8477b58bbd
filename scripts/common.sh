# Shared by the scripts in this folder. Puts the project's tools on PATH.
step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Tools setup compiles from crates.io live in ~/.cargo/bin even when CARGO_HOME points at a
# fresh registry (as CI's does), so they are built once per machine, not once per run.
TOOLS_ROOT=${TESSERA_TOOLS_ROOT:-$HOME/.cargo}
export PATH="$ROOT/node_modules/.bin:$TOOLS_ROOT/bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# shellcheck disable=SC1091
[ -f "$ROOT/.tessera-env" ] && source "$ROOT/.tessera-env"
# With Debian's std-from-source toolchain, wasm builds use /usr/bin's cargo first.
wasm_env() { if [ -n "${TESSERA_WASM_PATH:-}" ]; then PATH="$TESSERA_WASM_PATH:$PATH" "$@"; else "$@"; fi; }
