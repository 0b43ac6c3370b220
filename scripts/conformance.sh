#!/usr/bin/env bash
# Runs the conformance suite against a fresh reference server (demo data; a temporary SQLite
# database, or a new database on the PostgreSQL cluster TSUNAGU_TEST_DATABASE_URL names).
# To check another backend: cargo run -p tsunagu-conformance -- --base-url URL [accounts...]
set -euo pipefail
cd "$(dirname "$0")/.."
# Same flags as `make native`: one feature set for every native build (see the Makefile).
cargo build --locked -q --workspace --all-targets
target/debug/tsunagu-conformance --server-bin target/debug/tsunagu-server
