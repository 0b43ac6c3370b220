#!/usr/bin/env bash
# bench-server.sh LABEL URL...: the server latency benchmark against running instances (one URL,
# or several sharing a database, each loaded with an equal share of the connections at once).
# Prints one line per operation and connection count:
#   LABEL OP CONNS P50_MS P99_MS REQ_PER_S NON_2XX
# With several instances P50 and P99 are the worst instance's and REQ/S the sum; each figure is
# the median of 3 runs of 6 s. Figures only: nothing here passes or fails on a number.
set -euo pipefail
label=$1
shift
urls=("$@")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
base=${urls[0]}
token=$(curl -sf -X POST "$base/api/v1/sessions" -H 'content-type: application/json' \
  -d '{"login_id":"ns.tanaka","password":"Tsunagu-Demo-2026"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
group=$(curl -sf "$base/api/v1/groups" -H "authorization: Bearer $token" |
  python3 -c 'import json,sys; print([g for g in json.load(sys.stdin)["items"] if g["kind"]=="patient"][0]["id"])')
for url in "${urls[@]}"; do
  curl -sf "$url/api/v1/groups/$group/posts?limit=50" -H "authorization: Bearer $token" >/dev/null
done
cat >"$tmp/send.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"body":"バイタル安定。BP 128/74、SpO2 97%。次回訪問は金曜です。"}'
LUA
# One wrk run against one instance: prints "p50_ms p99_ms req_per_s non2xx".
wrk_run() {
  local conns=$1 url=$2
  shift 2
  wrk -t1 -c"$conns" -d6s --latency -H "Authorization: Bearer $token" "$@" "$url" |
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
n=${#urls[@]}
for conns in 16 64; do
  share=$((conns / n))
  for op in read send; do
    : >"$tmp/runs"
    for _ in 1 2 3; do
      i=0
      for url in "${urls[@]}"; do
        if [ "$op" = read ]; then
          wrk_run "$share" "$url/api/v1/groups/$group/posts?limit=50" >"$tmp/run.$i" &
        else
          wrk_run "$share" "$url/api/v1/groups/$group/posts" -s "$tmp/send.lua" >"$tmp/run.$i" &
        fi
        i=$((i + 1))
      done
      wait
      # One line per run: instances combined.
      cat "$tmp"/run.* | awk '{ if ($1 > p50) p50 = $1; if ($2 > p99) p99 = $2; rps += $3; bad += $4 }
        END { printf "%s %s %d %d\n", p50, p99, rps, bad }' >>"$tmp/runs"
      rm -f "$tmp"/run.*
    done
    m50=$(awk '{ print $1 }' "$tmp/runs" | median)
    m99=$(awk '{ print $2 }' "$tmp/runs" | median)
    mrps=$(awk '{ print $3 }' "$tmp/runs" | median)
    bad=$(awk '{ s += $4 } END { print s + 0 }' "$tmp/runs")
    echo "$label $op $conns $m50 $m99 $mrps $bad"
  done
done
