#!/usr/bin/env bash
# with-postgres.sh CMD [ARGS...]: runs CMD with TSUNAGU_TEST_POSTGRES_URL pointing at a throwaway
# PostgreSQL cluster (scripts/postgres.sh), and removes the cluster afterwards whatever CMD did.
# Exits with CMD's status.
set -euo pipefail
if [ "$#" = 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi
# shellcheck source=scripts/postgres.sh
. "$(dirname "$0")/postgres.sh"
# An interrupt still runs the EXIT trap (stop_postgres), so no cluster is left behind.
trap 'exit 130' INT
trap 'exit 143' TERM
start_postgres
echo "PostgreSQL $("$PG_BINDIR/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (cluster in $PG_TMP)" >&2
# CMD runs as a child we wait for (bash defers traps while a foreground command runs): a signal
# sent to this script alone (a CI timeout, kill) reaches CMD at once, and the cluster goes after
# CMD has ended. `<&0`: a background command would otherwise read /dev/null.
"$@" <&0 &
child=$!
trap 'kill -INT "$child" 2>/dev/null; wait "$child"; exit 130' INT
trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 143' TERM
status=0
wait "$child" || status=$?
exit "$status"
