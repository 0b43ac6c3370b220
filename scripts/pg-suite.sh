#!/usr/bin/env bash
# The PostgreSQL half of `make test`, run by scripts/with-postgres.sh inside a throwaway cluster:
# the schema tests, every server test (each test server on a fresh database of the cluster, see
# server/tests/common/db.rs) and the conformance suite against a server on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${TSUNAGU_TEST_DATABASE_URL:?run me through scripts/with-postgres.sh}"
# `--workspace`: the same feature set as every other native build (see the Makefile).
cargo test --locked --workspace --tests
scripts/conformance.sh
