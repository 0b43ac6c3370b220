#!/usr/bin/env bash
# Benchmarks: they print figures, they never pass or fail on them. Machines here are shared and
# noisy: compare medians and ratios across runs, not single numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/server-lib.sh

# The adoption dashboard at the size of a large region: seeds 10,000 facilities / 100,000
# accounts (`tsunagu-server seed-region`) into DATABASE_URL, serves it and prints p50/p99 of
# GET /api/v1/operator/dashboard over 30 requests as the operator (after 3 warm-up requests).
# `scripts/bench.sh dashboard [DATABASE_URL]` runs only this part (on PostgreSQL through
# scripts/with-postgres.sh, which sets TSUNAGU_TEST_DATABASE_URL).
dashboard_bench() {
  local label=$1 url=$2 tmp pid base token t0 t1
  tmp=$(mktemp -d)
  t0=$(date +%s.%N)
  target/server/tsunagu-server seed-region --database-url "$url" >/dev/null
  t1=$(date +%s.%N)
  target/server/tsunagu-server serve --bind 127.0.0.1:0 --database-url "$url" --demo \
    >"$tmp/stdout" 2>"$tmp/stderr" &
  pid=$!
  base=""
  for _ in $(seq 1 600); do
    base=$(sed -n 's/.*Tsunagu listening on \(http[^ ]*\).*/\1/p' "$tmp/stdout" | head -n 1)
    base=${base%/}
    [ -n "$base" ] && break
    sleep 0.1
  done
  token=$(curl -sf "$base/api/v1/sessions" -H 'content-type: application/json' \
    -d '{"login_id":"op.ishikai","password":"Tsunagu-Demo-2026"}' |
    sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
  for _ in 1 2 3; do
    curl -sf -o /dev/null -H "authorization: Bearer $token" "$base/api/v1/operator/dashboard" || true
  done
  for _ in $(seq 1 30); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "authorization: Bearer $token" \
      "$base/api/v1/operator/dashboard"
  done >"$tmp/times"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  # Sorted by time: p50 is the middle one, p99 of 30 the slowest.
  LC_ALL=C sort -k2,2 -g "$tmp/times" | LC_ALL=C awk -v label="$label" -v seed="$(echo "$t1 - $t0" | bc)" '
    { if ($1 != 200) bad++; t[NR] = $2 * 1000 }
    END {
      n = NR
      p50 = t[int((n + 1) / 2)]; p99 = t[n - int(n / 100)]
      printf "%-10s seed %6.1f s | dashboard p50 %7.1f ms  p99 %7.1f ms  (%d requests%s)\n",
        label, seed, p50, p99, n, bad ? ", " bad " not 200" : ""
    }' "$tmp/times"
  rm -rf "$tmp"
}

if [ "${1:-}" = dashboard ]; then
  cargo build --locked -q --profile server -p tsunagu-server
  if [ -n "${2:-}" ]; then
    dashboard_bench "${3:-postgres}" "$2"
  else
    dir=$(mktemp -d)
    dashboard_bench sqlite "sqlite://$dir/region.db"
    rm -rf "$dir"
  fi
  exit 0
fi

echo "== Shipped size of the release build (dist/) =="
printf '%-44s %10s %10s %10s\n' file raw gzip-9 brotli-11
total_raw=0 total_gz=0 total_br=0
for f in dist/*.wasm dist/*.js dist/*.css; do
  [ -f "$f" ] || continue
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  br=$(brotli -q 11 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz)) total_br=$((total_br + br))
  printf '%-44s %10d %10d %10d\n' "$(basename "$f")" "$raw" "$gz" "$br"
done
printf '%-44s %10d %10d %10d\n' total "$total_raw" "$total_gz" "$total_br"
# The floor: a Leptos 0.8 counter app, same profile, is ~25 KB + 4.8 KB brotli (TOOLCHAIN.md).
awk -v b="$total_br" 'BEGIN { printf "ratio to the Leptos counter floor (29.8 KB brotli): %.2fx\n", b / 29800 }'

echo
cargo build --locked -q --profile server -p tsunagu-server
# Tsunagu and Synapse side by side (Synapse is installed from PyPI into target/bench once).
python3 scripts/bench_vs_synapse.py --tsunagu-bin target/server/tsunagu-server

echo
echo "== Server: read the latest 50 posts / send a post, at 16 and 64 connections (wrk, loopback) =="
echo "   SQLite (one instance, synchronous=FULL); PostgreSQL 15 with its durable defaults, one"
echo "   instance and two sharing the database (connections split between them)"
cargo build --locked -q --profile server -p tsunagu-server
start_server target/server/tsunagu-server
results="$SERVER_TMP/results"
scripts/bench-server.sh sqlite "$SERVER_URL" >"$results"
PG_DURABLE=1 scripts/with-postgres.sh scripts/bench-postgres.sh >>"$results"
printf '%-5s %5s | %18s | %18s | %18s | %s\n' op conns "sqlite p50/p99" "postgres p50/p99" \
  "postgres x2 p50/p99" "req/s sqlite/pg/pg x2"
for conns in 16 64; do
  for op in read send; do
    awk -v op="$op" -v c="$conns" '
      $2 == op && $3 == c { p50[$1] = $4; p99[$1] = $5; rps[$1] = $6; bad += $7 }
      END {
        printf "%-5s %5s | %8s %9s | %8s %9s | %8s %9s | %s/%s/%s%s\n", op, c,
          p50["sqlite"], p99["sqlite"], p50["postgres"], p99["postgres"],
          p50["postgres-x2"], p99["postgres-x2"], rps["sqlite"], rps["postgres"],
          rps["postgres-x2"], bad ? "  (" bad " non-2xx)" : ""
      }' "$results"
  done
done
awk '
  { p99[$1 " " $2 " " $3] = $5 }
  END {
    printf "p99 ratio postgres/sqlite: read %.2fx, send %.2fx at 16; postgres x2/postgres: read %.2fx, send %.2fx at 64\n",
      p99["postgres read 16"] / p99["sqlite read 16"], p99["postgres send 16"] / p99["sqlite send 16"],
      p99["postgres-x2 read 64"] / p99["postgres read 64"], p99["postgres-x2 send 64"] / p99["postgres send 64"]
  }' "$results"
echo "(median of 3 runs of 6 s each; target: send p99 <= 50 ms at 16 connections)"

echo
echo "== Upload throughput (tus PATCH, loopback) =="
scripts/bench-upload.sh target/server/tsunagu-server

echo
echo "== Photo preparation in Chromium (12 MP JPEG with EXIF: canvas downscale and re-encode) =="
# The wasm test prints one BENCH line: median of 5 runs and the bytes saved.
cargo test --locked -p tsunagu-web --target wasm32-unknown-unknown --features operator,send-media \
  --test media_web -- --nocapture prepare_photo_timing 2>&1 | grep -a "BENCH" | sed 's/^.*BENCH //' | sort -u

echo
echo "== Adoption dashboard: 10,000 facilities, 100,000 accounts, 12 weeks of activity (30 requests, curl) =="
scripts/bench.sh dashboard
scripts/with-postgres.sh bash -c 'scripts/bench.sh dashboard "$TSUNAGU_TEST_DATABASE_URL" postgres'

echo
scripts/bench-timeline.sh
