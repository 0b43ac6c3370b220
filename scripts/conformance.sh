#!/usr/bin/env bash
# Runs the conformance suite against a fresh reference server (temporary database, demo data).
# To check another backend: cargo run -p tsunagu-conformance -- --base-url URL [accounts...]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/server-lib.sh
# Same flags as `make native`: one feature set for every native build (see the Makefile).
cargo build --locked -q --workspace --all-targets
start_server target/debug/tsunagu-server
target/debug/tsunagu-conformance --base-url "$SERVER_URL"
