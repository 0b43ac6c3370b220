#!/usr/bin/env bash
# bench-postgres.sh: the server latency benchmark on PostgreSQL, one instance and then two
# sharing the database. Run through `PG_DURABLE=1 scripts/with-postgres.sh` (scripts/bench.sh
# does), which provides TSUNAGU_TEST_DATABASE_URL. Output as scripts/bench-server.sh's.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${TSUNAGU_TEST_DATABASE_URL:?run me through scripts/with-postgres.sh}"
tmp=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
# Starts instance N and sets URL once it listens. Not in a subshell: the cleanup needs its pid.
start_instance() {
  local n=$1
  URL=""
  target/server/tsunagu-server serve --bind 127.0.0.1:0 --database-url "$TSUNAGU_TEST_DATABASE_URL" \
    --demo >"$tmp/out.$n" 2>"$tmp/err.$n" &
  pids+=($!)
  for _ in $(seq 1 600); do
    URL=$(sed -n 's/.*Tsunagu listening on \(http[^ ]*\).*/\1/p' "$tmp/out.$n" | head -n 1)
    URL=${URL%/}
    [ -n "$URL" ] && return 0
    sleep 0.1
  done
  echo "instance $n did not start:" >&2
  cat "$tmp/err.$n" >&2
  return 1
}
start_instance 1
first=$URL
scripts/bench-server.sh postgres "$first"
start_instance 2
second=$URL
scripts/bench-server.sh postgres-x2 "$first" "$second"
