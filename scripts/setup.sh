#!/usr/bin/env bash
# Installs whatever this machine lacks to build (and, with --test, to test) Tsunagu.
# Offline-safe: every tool comes from a package registry, pinned. Idempotent: a second run
# only checks versions. See shared/TOOLCHAIN.md for why each pin is what it is.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

if ! command -v cargo >/dev/null; then
  echo "Rust (cargo) is required: install it with rustup first." >&2
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  log "installing trunk $TRUNK_VERSION (a few minutes, once)"
  cargo install "trunk@$TRUNK_VERSION" --locked --no-default-features --features rustls
fi

# wasm-bindgen-cli must match the wasm-bindgen in Cargo.lock exactly, or trunk tries to
# download one (and fails offline). Read it from the lock file: one source of truth.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$WB_VERSION" ]; then
  echo "cannot read the wasm-bindgen version from Cargo.lock" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ] ||
  ! command -v wasm-bindgen-test-runner >/dev/null; then
  log "installing wasm-bindgen-cli $WB_VERSION (a few minutes, once)"
  # Not --locked: one of its locked dependencies is missing from the registry.
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
fi

apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

if ! command -v npm >/dev/null; then
  log "installing Node.js and npm (for wasm-opt from the binaryen package)"
  apt_install nodejs npm
fi
# wasm-opt 132 from npm, never Debian's binaryen 108: that one produces a build that dies at
# start in the browser while trunk reports success. terser minifies the JavaScript glue;
# axe-core is what the browser tests inject to check every main screen against WCAG 2.2 AA.
if [ "$(node_modules/.bin/wasm-opt --version 2>/dev/null | awk '{print $3}')" != "132" ] \
  || [ ! -x node_modules/.bin/terser ] \
  || [ "$(node -p "require('./node_modules/axe-core/package.json').version" 2>/dev/null)" \
    != "$(node -p "require('./package.json').devDependencies['axe-core']")" ]; then
  log "installing wasm-opt (binaryen 132), terser and axe-core from npm"
  npm ci --no-audit --no-fund
fi

if [ "$want_test" = 1 ]; then
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v brotli >/dev/null || missing+=(brotli)
  command -v wrk >/dev/null || missing+=(wrk)
  command -v curl >/dev/null || missing+=(curl)
  # Japanese glyphs for screenshots (README's, and failure shots from the e2e tests).
  [ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
  # PostgreSQL for `make pg-test` (scripts/postgres.sh runs a throwaway cluster). Debian keeps
  # initdb out of PATH, in /usr/lib/postgresql/<version>/bin. pg_trgm comes with the server
  # package itself (postgresql-15 provides postgresql-contrib-15), so no -contrib package.
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]}"
    apt_install "${missing[@]}"
  fi
fi
log "toolchain ready"
