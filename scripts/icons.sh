#!/usr/bin/env bash
# Draws the app's PNG icons from their SVG sources with headless Chromium (the e2e tests' browser;
# no image tools needed): public/favicon.svg for the "any" icons, public/icon-maskable.svg (full
# bleed, the mark inside the 80 % safe zone) for the maskable icon and the iPhone's home-screen
# icon. The PNGs are committed; run this after changing an SVG.
set -euo pipefail
cd "$(dirname "$0")/../public"
chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shot() { # SVG SIZE OUT
  cp "$1" "$work/"
  printf '<!doctype html><body style="margin:0"><img src="%s" width="%s" height="%s" style="display:block">' \
    "$(basename "$1")" "$2" "$2" >"$work/page.html"
  "$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars --default-background-color=00000000 \
    --window-size="$2,$2" --screenshot="$PWD/$3" "file://$work/page.html" >/dev/null 2>&1
}
shot favicon.svg 192 icon-192.png
shot favicon.svg 512 icon-512.png
shot icon-maskable.svg 512 icon-maskable-512.png
shot icon-maskable.svg 180 apple-touch-icon.png
