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
echo "== Server: read the latest 50 posts / send a post, at 16 and 64 connections (wrk, loopback) =="
cargo build --locked -q --profile server -p tsunagu-server
start_server target/server/tsunagu-server
token=$(curl -sf -X POST "$SERVER_URL/api/v1/sessions" -H 'content-type: application/json' \
  -d '{"login_id":"ns.tanaka","password":"Tsunagu-Demo-2026"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
group=$(curl -sf "$SERVER_URL/api/v1/groups" -H "authorization: Bearer $token" |
  python3 -c 'import json,sys; print([g for g in json.load(sys.stdin)["items"] if g["kind"]=="patient"][0]["id"])')
read_url="$SERVER_URL/api/v1/groups/$group/posts?limit=50"
send_url="$SERVER_URL/api/v1/groups/$group/posts"
curl -sf "$read_url" -H "authorization: Bearer $token" >/dev/null
cat >"$SERVER_TMP/send.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"body":"バイタル安定。BP 128/74、SpO2 97%。次回訪問は金曜です。"}'
LUA
# One wrk run: prints "p50_ms p99_ms req_per_s non2xx" (wrk reports us, ms or s).
wrk_run() {
  local conns=$1 url=$2
  shift 2
  wrk -t2 -c"$conns" -d6s --latency -H "Authorization: Bearer $token" "$@" "$url" |
    awk '
      function ms(v) {
        if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
        if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
        if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
        return v
      }
      / 50%/ { p50 = ms($2) } / 99%/ { p99 = ms($2) } /Requests\/sec/ { rps = $2 }
      /Non-2xx/ { bad = $NF }
      END { printf "%.2f %.2f %.0f %d\n", p50, p99, rps, bad + 0 }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '%-6s %6s %10s %10s %10s %8s   (median of 3 runs of 6 s, 2 wrk threads)\n' \
  op conns p50_ms p99_ms req/s non-2xx
declare -A p99
for conns in 16 64; do
  for op in read send; do
    : >"$SERVER_TMP/runs"
    for _ in 1 2 3; do
      if [ "$op" = read ]; then
        wrk_run "$conns" "$read_url" >>"$SERVER_TMP/runs"
      else
        wrk_run "$conns" "$send_url" -s "$SERVER_TMP/send.lua" >>"$SERVER_TMP/runs"
      fi
    done
    m50=$(awk '{ print $1 }' "$SERVER_TMP/runs" | median)
    m99=$(awk '{ print $2 }' "$SERVER_TMP/runs" | median)
    mrps=$(awk '{ print $3 }' "$SERVER_TMP/runs" | median)
    bad=$(awk '{ s += $4 } END { print s + 0 }' "$SERVER_TMP/runs")
    p99[$op$conns]=$m99
    printf '%-6s %6s %10s %10s %10s %8s\n' "$op" "$conns" "$m50" "$m99" "$mrps" "$bad"
  done
done
awk -v s16="${p99[send16]}" -v r16="${p99[read16]}" -v s64="${p99[send64]}" -v r64="${p99[read64]}" \
  'BEGIN { printf "send p99 / read p99: %.2fx at 16, %.2fx at 64 (target: send p99 <= 50 ms at 16)\n", s16 / r16, s64 / r64 }'

echo
scripts/bench-timeline.sh
