#!/usr/bin/env bash
# Benchmarks: they print figures, they never pass or fail on them. Machines here are shared and
# noisy: compare medians and ratios across runs, not single numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/server-lib.sh

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
scripts/bench-timeline.sh
