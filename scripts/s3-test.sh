#!/usr/bin/env bash
# Media in an S3-compatible bucket, for real: a moto server (from PyPI, in a throwaway venv) on a
# free loopback port, a bucket in it, and the server test that uploads a photo, posts it and
# downloads it again through the bucket (server/tests/media_s3.rs, cargo feature `s3`).
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
moto_pid=
cleanup() {
  if [ -n "$moto_pid" ]; then kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A cached venv keeps reruns fast; a clean machine builds it once.
venv=${TSUNAGU_S3_VENV:-$HOME/.cache/tsunagu/moto-venv}
if [ ! -x "$venv/bin/moto_server" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'moto[server]>=5,<6'
fi

port=$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
endpoint="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  if "$venv/bin/python" -c "import urllib.request; urllib.request.urlopen('$endpoint/moto-api/')" 2>/dev/null; then break; fi
  if ! kill -0 "$moto_pid" 2>/dev/null; then cat "$work/moto.log"; echo "moto_server did not start" >&2; exit 1; fi
  sleep 0.1
done

export AWS_ACCESS_KEY_ID=tsunagu-test AWS_SECRET_ACCESS_KEY=tsunagu-test AWS_REGION=us-east-1
bucket=tsunagu-media-test
"$venv/bin/python" - "$endpoint" "$bucket" <<'PY'
import sys, boto3
endpoint, bucket = sys.argv[1], sys.argv[2]
boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=bucket)
PY

TSUNAGU_TEST_S3_ENDPOINT="$endpoint" TSUNAGU_TEST_S3_BUCKET="$bucket" \
  cargo test --locked --workspace --features tsunagu-server/s3 --test media_s3
