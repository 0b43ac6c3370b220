#!/usr/bin/env bash
# Contract fuzzer: schemathesis generates requests from api/openapi.yaml (valid and invalid ones)
# against a fresh reference server with the demo data, logged in as a demo nurse, and fails on
# any 5xx or a response that does not match the document. Bounded in time (MAX_TIME, default
# 180 s of fuzzing); SEED makes a run repeatable.
#
# SERVER_BIN: an already built server (`make fuzz` passes the debug build of `make native`).
# FUZZ_VENV: where the Python venv with schemathesis lives (created on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/server-lib.sh

SCHEMATHESIS_VERSION=4.32.5
TARGET=${CARGO_TARGET_DIR:-target}
FUZZ_VENV=${FUZZ_VENV:-$TARGET/fuzz-venv}
MAX_TIME=${MAX_TIME:-180}
MAX_EXAMPLES=${MAX_EXAMPLES:-30}
LOGIN=${LOGIN:-ns.tanaka}
SEED=${SEED:-$RANDOM}

if [ "$("$FUZZ_VENV/bin/schemathesis" --version 2>/dev/null | grep -o '[0-9][0-9.]*$')" \
  != "$SCHEMATHESIS_VERSION" ]; then
  python3 -m venv "$FUZZ_VENV"
  "$FUZZ_VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

if [ -z "${SERVER_BIN:-}" ]; then
  # Same flags as `make native`: one feature set for every native build (see the Makefile).
  cargo build --locked -q --workspace --all-targets
  SERVER_BIN=$TARGET/debug/tsunagu-server
fi
start_server "$SERVER_BIN"

password=$(sed -n 's/.*password for all: \([^)]*\)).*/\1/p' "$SERVER_TMP/stdout" | head -n 1)
token=$(curl -sf --noproxy '*' -H 'Content-Type: application/json' \
  -d "{\"login_id\":\"$LOGIN\",\"password\":\"$password\"}" "$SERVER_URL/api/v1/sessions" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')

# Teaches schemathesis the tus PATCH body (scripts/fuzz_hooks.py).
hooks_dir=$PWD/scripts
echo "fuzzing $SERVER_URL as $LOGIN for at most ${MAX_TIME}s (seed $SEED)"
# Left out: logging out (it would end the fuzzer's own session) and the event stream (it never
# ends, so every request would time out).
# Run from the venv: schemathesis leaves a .schemathesis/ cache in its working directory.
spec=$PWD/api/openapi.yaml
TARGET=$(cd "$TARGET" && pwd)
status=0
(cd "$FUZZ_VENV" && NO_PROXY='*' PYTHONPATH="$hooks_dir" SCHEMATHESIS_HOOKS=fuzz_hooks \
  bin/schemathesis run "$spec" \
  --url "$SERVER_URL" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
  --exclude-path /api/v1/sessions/current \
  --exclude-path /api/v1/events \
  --max-examples "$MAX_EXAMPLES" \
  --max-time "$MAX_TIME" \
  --request-timeout 10 \
  --workers 2 \
  --seed "$SEED" \
  --generation-database "$TARGET/fuzz-examples" \
  --no-color \
  --report junit --report-dir "$TARGET/fuzz-report") || status=$?

# A 5xx is already a failure above; this also catches errors logged behind a non-5xx answer.
if grep -qE ' ERROR |panicked' "$SERVER_TMP/stderr"; then
  echo "the server logged errors:" >&2
  grep -m 20 -E ' ERROR |panicked' "$SERVER_TMP/stderr" >&2
  status=1
fi
exit "$status"
