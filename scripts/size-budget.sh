#!/usr/bin/env bash
# Size budget of the release app: what a browser downloads to start it (every .wasm, .js and
# .css that an index.html loads), compressed with `brotli -q 11` as a server would precompress
# it. Seven budgets: the nurse's app (dist/index.html), the one that matters on a phone, the
# login page (dist/login/index.html), loaded by someone without a session, the management pages
# (dist/manage/index.html), a build only their users download, the family invitation page
# (dist/join/index.html), one a family member loads once, search (dist/search/index.html) and
# the operator console (dist/operator/index.html), which only the medical association's
# operators download, and the media build (dist/media/index.html): a group's photos and files
# and the page that sends them.
# Prints
# each file's raw and brotli size and the totals, and fails when a total exceeds its budget.
# Lower a budget when the app shrinks; raise it only deliberately (say why in the commit).
# Needs the release build in dist/ (`make web`) and brotli (`make setup-test`).
# docs/performance.md explains the budget and what the app's size is made of.
set -euo pipefail
cd "$(dirname "$0")/.."

# KiB of brotli (1 KiB = 1024 bytes), total of the files each page loads.
BUDGET_KIB=325
LOGIN_BUDGET_KIB=172
MANAGE_BUDGET_KIB=333
JOIN_BUDGET_KIB=191
SEARCH_BUDGET_KIB=221
OPERATOR_BUDGET_KIB=260
MEDIA_BUDGET_KIB=299
DIST=${DIST:-dist}

# check PAGE BUDGET_KIB LABEL: the files PAGE loads, their sizes, and the budget's verdict.
check() {
  local index=$1 budget_kib=$2 label=$3
  if [ ! -f "$index" ]; then
    echo "size-budget: $index is missing; build the app first (make web)" >&2
    exit 2
  fi
  # The hashed names trunk wrote into the page (href="/x.css", import … from '/x.js', …).
  local files
  mapfile -t files < <(grep -oE "/[A-Za-z0-9._/-]+\.(wasm|js|css)" "$index" | sort -u)
  if [ "${#files[@]}" -eq 0 ]; then
    echo "size-budget: no .wasm, .js or .css named in $index" >&2
    exit 2
  fi
  echo "$label ($index):"
  printf '%-52s %10s %10s\n' file raw brotli-11
  local total_raw=0 total_br=0 name f raw br
  for name in "${files[@]}"; do
    f="$DIST$name"
    if [ ! -f "$f" ]; then
      echo "size-budget: $index loads $name, which is not in $DIST" >&2
      exit 2
    fi
    # The server sends name.br as is: a copy left from an earlier build would not match the
    # page's integrity hash, and the app would not start.
    if [ -f "$f.br" ] && ! brotli -d -c "$f.br" | cmp -s - "$f"; then
      echo "size-budget: $f.br is not $f compressed (stale precompressed copy)" >&2
      exit 1
    fi
    raw=$(stat -c %s "$f")
    br=$(brotli -q 11 -c "$f" | wc -c)
    total_raw=$((total_raw + raw)) total_br=$((total_br + br))
    printf '%-52s %10d %10d\n' "${name#/}" "$raw" "$br"
  done
  printf '%-52s %10d %10d\n' total "$total_raw" "$total_br"
  local budget=$((budget_kib * 1024))
  awk -v t="$total_br" -v b="$budget" -v kib="$budget_kib" 'BEGIN {
    printf "brotli total %.1f KiB, budget %d KiB (%d bytes): %s\n", t / 1024, kib, b,
      (t <= b ? "within" : "OVER BUDGET by " sprintf("%.1f KiB", (t - b) / 1024))
  }'
  if [ "$total_br" -gt "$budget" ]; then
    echo "size-budget: $label grew past its budget; see docs/performance.md for how to find what grew" >&2
    exit 1
  fi
}

check "$DIST/index.html" "$BUDGET_KIB" "the app"
check "$DIST/login/index.html" "$LOGIN_BUDGET_KIB" "the login page"
check "$DIST/manage/index.html" "$MANAGE_BUDGET_KIB" "the management pages"
check "$DIST/join/index.html" "$JOIN_BUDGET_KIB" "the pages without an account (family links, application, activation)"
check "$DIST/search/index.html" "$SEARCH_BUDGET_KIB" "search"
check "$DIST/operator/index.html" "$OPERATOR_BUDGET_KIB" "the operator console"
check "$DIST/media/index.html" "$MEDIA_BUDGET_KIB" "the media build (a group's photos and files, comparison, sending)"
