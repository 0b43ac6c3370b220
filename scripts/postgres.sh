# Sourced by scripts that need a throwaway PostgreSQL: start_postgres creates a cluster in a
# fresh temporary directory (UTF-8, locale C.UTF-8: pg_trgm takes Japanese characters as word
# characters only under a UTF-8 ctype), starts it on a free loopback port with its unix socket in
# that directory, creates the role and database `tsunagu`, and exports
#   TSUNAGU_TEST_POSTGRES_URL=postgres://tsunagu@127.0.0.1:PORT/tsunagu
# and the same URL as TSUNAGU_TEST_DATABASE_URL (the backend the server's tests run on).
# stop_postgres stops it and removes the directory; start_postgres installs it as the EXIT trap
# (a caller with its own EXIT trap calls stop_postgres from it).
#
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` OS user that
# Debian's package creates (scripts/setup.sh --test installs it); as anyone else, as that user.
# Authentication is `trust`: the cluster listens on 127.0.0.1 only, lives for one test run, and
# holds nothing but test data. `tsunagu` is not a superuser (it may create databases, which the
# tests do, one per run): the migrations must work for an ordinary database owner.
# Durability is off (fsync, synchronous_commit, full_page_writes): nothing here outlives the run.

# The newest installed PostgreSQL's bin directory (Debian keeps them out of PATH).
postgres_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$dir" ] && command -v initdb >/dev/null; then
    dir=$(dirname "$(readlink -f "$(command -v initdb)")")
  fi
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    echo "PostgreSQL is not installed (no initdb): run scripts/setup.sh --test" >&2
    return 1
  fi
  printf '%s\n' "$dir"
}

# Runs a command as the cluster's owner: `postgres` when we are root, ourselves otherwise.
_as_pg_owner() {
  if [ "$(id -u)" != 0 ]; then
    "$@"
  elif command -v runuser >/dev/null; then
    runuser -u postgres -- "$@"
  else
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  fi
}

# A loopback port nobody listens on now. Another process may take it before the server binds;
# start_postgres then tries another.
_free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      printf '%s\n' "$port"
      return 0
    fi
  done
  echo "no free loopback port found" >&2
  return 1
}

start_postgres() {
  local bindir port started=0
  bindir=$(postgres_bindir) || return 1
  if ! locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
    echo "the C.UTF-8 locale is missing (Debian's libc-bin provides it)" >&2
    return 1
  fi
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "running as root needs the postgres OS user (Debian's postgresql package creates it)" >&2
    return 1
  fi
  # As root, in /tmp whatever TMPDIR says: `postgres` must be able to reach the directory.
  local parent=${TMPDIR:-/tmp}
  [ "$(id -u)" = 0 ] && parent=/tmp
  PG_TMP=$(mktemp -d "$parent/tsunagu-pg.XXXXXX") || return 1
  PG_BINDIR=$bindir
  trap stop_postgres EXIT
  [ "$(id -u)" = 0 ] && chown postgres: "$PG_TMP"
  # Each step runs in PG_TMP: as `postgres`, the caller's directory (e.g. /root) is unreadable.
  if ! (cd "$PG_TMP" && _as_pg_owner "$bindir/initdb" --pgdata="$PG_TMP/data" --username=postgres \
    --encoding=UTF8 --locale=C.UTF-8 --auth=trust --no-sync >"$PG_TMP/initdb.log" 2>&1); then
    echo "initdb failed:" >&2
    cat "$PG_TMP/initdb.log" >&2
    return 1
  fi
  # Tests throw the data away, so durability is off for speed; benchmarks (PG_DURABLE=1) keep
  # PostgreSQL's defaults, as SQLite's synchronous=FULL is measured with its flushes too.
  local durability="fsync = off
synchronous_commit = off
full_page_writes = off"
  [ "${PG_DURABLE:-0}" = 1 ] && durability="# durable: PostgreSQL's defaults"
  cat >>"$PG_TMP/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_TMP'
$durability
max_connections = 100
EOF
  for _ in 1 2 3 4 5; do
    port=$(_free_port) || return 1
    if (cd "$PG_TMP" && _as_pg_owner "$bindir/pg_ctl" --pgdata="$PG_TMP/data" --log="$PG_TMP/server.log" \
      --options="-p $port" --wait --timeout=60 --silent start); then
      started=1
      break
    fi
  done
  if [ "$started" != 1 ]; then
    echo "PostgreSQL did not start:" >&2
    cat "$PG_TMP/server.log" >&2
    return 1
  fi
  PG_PORT=$port
  if ! "$bindir/psql" --quiet --no-psqlrc --host="$PG_TMP" --port="$port" --username=postgres \
    --dbname=postgres --set=ON_ERROR_STOP=1 \
    --command="CREATE ROLE tsunagu LOGIN CREATEDB" \
    --command="CREATE DATABASE tsunagu OWNER tsunagu" >"$PG_TMP/psql.log" 2>&1; then
    echo "creating the tsunagu role and database failed:" >&2
    cat "$PG_TMP/psql.log" >&2
    return 1
  fi
  export TSUNAGU_TEST_POSTGRES_URL="postgres://tsunagu@127.0.0.1:$port/tsunagu"
  # The server's HTTP tests and the conformance suite read this one: each test server gets a
  # fresh database on this cluster.
  export TSUNAGU_TEST_DATABASE_URL="$TSUNAGU_TEST_POSTGRES_URL"
}

# Stops the cluster (immediate: its data is thrown away) and removes its directory. Safe to call
# twice, and when start_postgres failed halfway.
stop_postgres() {
  if [ -n "${PG_TMP:-}" ] && [ -d "$PG_TMP" ]; then
    if [ -f "$PG_TMP/data/postmaster.pid" ]; then
      (cd "$PG_TMP" && _as_pg_owner "$PG_BINDIR/pg_ctl" --pgdata="$PG_TMP/data" --mode=immediate \
        --wait --silent stop) >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_TMP"
  fi
  PG_TMP=
  unset TSUNAGU_TEST_POSTGRES_URL
}
