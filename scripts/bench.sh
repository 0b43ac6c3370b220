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
echo "== Server: read the latest 50 posts of a group (wrk, loopback) =="
cargo build --locked -q --profile server -p tsunagu-server
start_server target/server/tsunagu-server
token=$(curl -sf -X POST "$SERVER_URL/api/v1/sessions" -H 'content-type: application/json' \
  -d '{"login_id":"ns.tanaka","password":"Tsunagu-Demo-2026"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
group=$(curl -sf "$SERVER_URL/api/v1/groups" -H "authorization: Bearer $token" |
  python3 -c 'import json,sys; print([g for g in json.load(sys.stdin)["items"] if g["kind"]=="patient"][0]["id"])')
url="$SERVER_URL/api/v1/groups/$group/posts?limit=50"
curl -sf "$url" -H "authorization: Bearer $token" >/dev/null
for run in 1 2 3; do
  wrk -t2 -c16 -d8s --latency -H "Authorization: Bearer $token" "$url" >"$SERVER_TMP/wrk.$run"
  awk -v run="$run" '
    / 50%/ { p50 = $2 } / 99%/ { p99 = $2 } /Requests\/sec/ { rps = $2 }
    END { printf "run %s: p50 %s  p99 %s  %s req/s (2 threads, 16 connections, 8 s)\n", run, p50, p99, rps }
  ' "$SERVER_TMP/wrk.$run"
done

echo
scripts/bench-timeline.sh
