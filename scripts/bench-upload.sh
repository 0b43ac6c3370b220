#!/usr/bin/env bash
# Upload throughput on loopback: a 100 MB file (an MP4 by its first bytes) sent in one tus
# PATCH with curl, three times, each a new upload; prints the median. A figure, never a test.
# Usage: scripts/bench-upload.sh [SERVER_BIN] (default target/server/tsunagu-server)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/server-lib.sh
bin=${1:-target/server/tsunagu-server}
start_server "$bin" --media-dir "$(mktemp -d)"
size=$((100 * 1000 * 1000))
file="$SERVER_TMP/upload.mp4"
python3 - "$file" "$size" <<'PY'
import os, sys
path, size = sys.argv[1], int(sys.argv[2])
with open(path, "wb") as f:
    f.write(b"\0\0\0\x18ftypisom\0\0\0\0isomiso2")
    left = size - 24
    while left > 0:
        chunk = os.urandom(min(left, 1 << 20))
        f.write(chunk)
        left -= len(chunk)
PY
token=$(curl -sf "$SERVER_URL/api/v1/sessions" -H 'Content-Type: application/json' \
  -d '{"login_id":"ns.tanaka","password":"Tsunagu-Demo-2026"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
group=$(curl -sf "$SERVER_URL/api/v1/groups" -H "Authorization: Bearer $token" |
  python3 -c 'import json,sys; print(next(g["id"] for g in json.load(sys.stdin)["items"] if g["kind"] == "patient"))')
b64() { printf '%s' "$1" | base64 -w0; }
times=()
for _ in 1 2 3; do
  location=$(curl -sf -o /dev/null -D - "$SERVER_URL/api/v1/uploads" -X POST \
    -H "Authorization: Bearer $token" -H 'Tus-Resumable: 1.0.0' -H "Upload-Length: $size" \
    -H "Upload-Metadata: group $(b64 "$group"),timeline $(b64 care),filename $(b64 bench.mp4)" |
    tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
  t=$(curl -sf -o /dev/null -w '%{time_total}' -X PATCH "$SERVER_URL$location" \
    -H "Authorization: Bearer $token" -H 'Tus-Resumable: 1.0.0' -H 'Upload-Offset: 0' \
    -H 'Content-Type: application/offset+octet-stream' -T "$file")
  times+=("$t")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
awk -v t="$median" -v s="$size" -v all="${times[*]}" 'BEGIN {
  printf "upload: 100 MB in one PATCH (curl, loopback, fsync and move to the media directory included): median %.2f s = %.0f MB/s (runs: %s s)\n", t, s / t / 1e6, all }'
