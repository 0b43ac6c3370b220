#!/usr/bin/env bash
# Minifies the JavaScript glue of every page in dist/ with terser (npm, pinned in package.json)
# and puts the new subresource-integrity hash into the page. Trunk's own minifier fails on
# wasm-bindgen's `export … as default` and ships the glue as is (77 KB raw, 10.2 KiB brotli);
# minified it is ~8 KiB, for every build (docs/performance.md). Run by `make web` after the
# trunk builds and before the .gz/.br copies are written. A file it minified starts with its
# mark and is left alone: running it again changes nothing (terser on its own output would
# write a different file, and the .br copy beside it would no longer match the page's hash).
set -euo pipefail
cd "$(dirname "$0")/.."
DIST=${DIST:-dist}
terser=node_modules/.bin/terser
[ -x "$terser" ] || { echo "minify-js: $terser is missing (scripts/setup.sh installs it)" >&2; exit 2; }

MARK="/* minified by scripts/minify-js.sh */"

sri() { echo "sha384-$(openssl dgst -sha384 -binary "$1" | base64 -w0)"; }

for index in "$DIST"/index.html "$DIST"/*/index.html; do
  [ -f "$index" ] || continue
  # The glue trunk built (its name carries a content hash); not page.js, a file of ours.
  mapfile -t names < <(grep -oE "/[A-Za-z0-9._/-]+-[0-9a-f]{8,16}\.js" "$index" | sort -u)
  for name in "${names[@]}"; do
    f="$DIST$name"
    [ -f "$f" ] || { echo "minify-js: $index loads $name, which is not in $DIST" >&2; exit 2; }
    [ "$(head -c ${#MARK} "$f")" = "$MARK" ] && continue
    old=$(sri "$f")
    "$terser" "$f" --module --compress --mangle --format "preamble='$MARK'" --output "$f.min"
    mv "$f.min" "$f"
    new=$(sri "$f")
    # Base64 never holds '|'; the page names the old hash in its integrity attributes.
    sed -i "s|$old|$new|g" "$index"
    grep -q "$new" "$index" || { echo "minify-js: no integrity for $name in $index" >&2; exit 1; }
  done
done

# The service worker's registration (public/page.js, copied by trunk): every page loads
# it, so its comments are not shipped. No integrity attribute names it.
reg="$DIST/page.js"
if [ -f "$reg" ] && [ "$(head -c ${#MARK} "$reg")" != "$MARK" ]; then
  "$terser" "$reg" --compress --mangle --format "preamble='$MARK'" --output "$reg.min"
  mv "$reg.min" "$reg"
fi
