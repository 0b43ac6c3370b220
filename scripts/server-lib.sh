# Sourced by scripts that need a throwaway server: start_server BIN [extra args...] starts it on a
# free loopback port with a fresh SQLite database and demo data, sets SERVER_URL, and stops it
# (and removes the database) on exit. With TSUNAGU_TEST_DATABASE_URL set (scripts/with-postgres.sh)
# it runs on that PostgreSQL database instead, which the throwaway cluster holds for this run only.
start_server() {
  local bin=$1 url
  shift
  SERVER_TMP=$(mktemp -d)
  url=${TSUNAGU_TEST_DATABASE_URL:-sqlite://$SERVER_TMP/tsunagu.db}
  "$bin" serve --bind 127.0.0.1:0 --database-url "$url" --demo "$@" \
    >"$SERVER_TMP/stdout" 2>"$SERVER_TMP/stderr" &
  SERVER_PID=$!
  # `|| true`: under `set -e` the killed server's status (143) would become the script's.
  trap 'kill $SERVER_PID 2>/dev/null || true; wait $SERVER_PID 2>/dev/null || true; rm -rf "$SERVER_TMP"' EXIT
  for _ in $(seq 1 600); do
    SERVER_URL=$(sed -n 's/.*Tsunagu listening on \(http[^ ]*\).*/\1/p' "$SERVER_TMP/stdout" | head -n 1)
    SERVER_URL=${SERVER_URL%/}
    [ -n "$SERVER_URL" ] && return 0
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "the server exited:" >&2
      cat "$SERVER_TMP/stderr" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "the server did not start within 60 s" >&2
  cat "$SERVER_TMP/stderr" >&2
  return 1
}
