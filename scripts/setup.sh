#!/usr/bin/env bash
# Installs everything tessera's demo and tests need that a fresh machine lacks, following
# shared/notes/toolchain.md. Each step checks first, so a second run takes seconds.
# Writes .tessera-env (sourced by the other scripts) when the wasm32 std comes from Debian.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
[ -n "$WASM_BINDGEN_VERSION" ] || die "cannot read the wasm-bindgen version from Cargo.lock"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root to run: $*"; fi; }
apt_updated=0
apt_install() {
  if [ $apt_updated = 0 ]; then as_root apt-get update -qq >/dev/null; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

command -v cargo >/dev/null || die "cargo is missing: install Rust with rustup (https://rustup.rs) first"

# 1. The wasm32 standard library: rustup's, else Debian's rustc-web building std from source.
: > .tessera-env
wasm_std_present() {
  local dir; dir=$(rustc --print target-libdir --target wasm32-unknown-unknown 2>/dev/null) || return 1
  compgen -G "$dir/libstd-*.rlib" >/dev/null
}
if ! wasm_std_present && command -v rustup >/dev/null; then
  step "adding the wasm32-unknown-unknown target (rustup)"
  timeout 120 rustup target add wasm32-unknown-unknown || warn "rustup could not fetch the target"
fi
if ! wasm_std_present; then
  step "falling back to Debian's rustc-web to build std for wasm32 from source"
  apt_install rustc-web cargo-web rust-web-src
  lld="$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld"
  [ -x "$lld" ] || { apt_install lld-19; lld=$(command -v wasm-ld-19 || command -v wasm-ld); }
  # Building std from source needs std's own crates in the registry before any offline build
  # (Trunk builds offline): fetched here, so a fresh registry works too.
  PATH=/usr/bin:$PATH cargo fetch --manifest-path "$(PATH=/usr/bin:$PATH rustc --print sysroot)/lib/rustlib/src/rust/library/Cargo.toml"
  cat > .tessera-env <<ENV
export TESSERA_WASM_PATH=/usr/bin
export RUSTC_BOOTSTRAP=1
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=$lld
ENV
fi

# shellcheck disable=SC1091
source .tessera-env

# 2. Tools compiled from crates.io (never downloaded from elsewhere).
cargo_install() { # name version [bin]
  local name=$1 version=$2 bin=${3:-$1}
  if command -v "$bin" >/dev/null && "$bin" --version 2>/dev/null | grep -q " $version"; then return; fi
  step "installing $name $version from crates.io (several minutes, once)"
  # --locked first; the registry mirror can lack a locked dependency version, then resolve afresh.
  cargo install "$name" --version "=$version" --root "$TOOLS_ROOT" --locked --quiet \
    || cargo install "$name" --version "=$version" --root "$TOOLS_ROOT" --quiet
}
cargo_install wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen
cargo_install trunk "$TRUNK_VERSION"

# 3. npm tools: wasm-opt (binaryen), esbuild, playwright-core, axe-core, typescript, pinned by package-lock.json.
command -v npm >/dev/null || apt_install nodejs npm
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing npm tools (binaryen, esbuild, playwright-core, axe-core, typescript)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# 4. A real browser and its driver, brotli for precompressed assets, redis-server and nginx.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v brotli >/dev/null || missing+=(brotli)
# The Redis several proxies share; the tests start their own on loopback.
command -v redis-server >/dev/null || missing+=(redis-server)
# The load balancer of docs/deploy.md; the tests run their own on loopback, in front of three proxies.
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]} (Debian)"
  apt_install "${missing[@]}"
fi

# 5. schemathesis (PyPI, pinned) in the project's own venv: scripts/test.sh fuzzes the running
#    proxy against its OpenAPI document with it.
SCHEMATHESIS_VERSION=4.32.5
if ! .venv-tools/bin/schemathesis --version 2>/dev/null | grep -q " $SCHEMATHESIS_VERSION\$"; then
  step "installing schemathesis $SCHEMATHESIS_VERSION from PyPI (into .venv-tools, once)"
  command -v python3 >/dev/null || apt_install python3
  # Debian's python3 makes a venv only with python3-venv (ensurepip) installed.
  python3 -m venv .venv-tools >/dev/null 2>&1 || { rm -rf .venv-tools; apt_install python3-venv; python3 -m venv .venv-tools; }
  .venv-tools/bin/pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
# 6. aiosmtpd (PyPI, pinned), same venv: the waiting-list tests start a real SMTP server on
#    loopback with it (tests/smtp/mailbox.py) and read the emails the proxy sends.
AIOSMTPD_VERSION=1.4.6
if ! .venv-tools/bin/python -c "import aiosmtpd, sys; sys.exit(aiosmtpd.__version__ != '$AIOSMTPD_VERSION')" 2>/dev/null; then
  step "installing aiosmtpd $AIOSMTPD_VERSION from PyPI (into .venv-tools, once)"
  .venv-tools/bin/pip install --quiet --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION"
fi

step "setup complete: trunk $(trunk --version | awk '{print $2}'), wasm-bindgen $WASM_BINDGEN_VERSION, $(node_modules/.bin/wasm-opt --version | cut -d' ' -f1-3), $(chromium --version 2>/dev/null | head -1), schemathesis $SCHEMATHESIS_VERSION, aiosmtpd $AIOSMTPD_VERSION"
