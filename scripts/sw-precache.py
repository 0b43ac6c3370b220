#!/usr/bin/env python3
"""Writes the build into dist/sw.js: the files the nurse's app starts from (precached at
install), the folders of the other builds, and a version that changes with any page or file of
any build, so a deployment installs a new service worker and the app offers to update.

Run by `make web` after every trunk build and the JavaScript minification (names and SRI hashes
are final then). Usage: scripts/sw-precache.py [dist]"""

import hashlib
import json
import re
import sys
from pathlib import Path

dist = Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
sw = dist / "sw.js"
template = sw.read_text(encoding="utf-8")
if 'const VERSION = "dev";' not in template:
    sys.exit(f"{sw}: already written (run trunk again) or not the template")

index = (dist / "index.html").read_text(encoding="utf-8")
# Every local file the page names (minified HTML: attribute values may be unquoted).
named = re.findall(r'(?:href|src)=["\']?(/[^"\'\s>]+)', index)
named += re.findall(r"init\(\{ module_or_path: '(/[^']+)'", index)
precache = ["/", "/page.js", "/icon-192.png"] + named
precache = list(dict.fromkeys(p for p in precache if not p.startswith("//")))
missing = [p for p in precache[1:] if not (dist / p.lstrip("/")).is_file()]
hashed = [p for p in precache if re.search(r"-[0-9a-f]{8,16}(_bg)?\.(js|wasm|css)$", p)]
if missing or len(hashed) < 3:
    sys.exit(f"sw-precache: files missing from {dist}: {missing}; hashed files found: {hashed}")

builds = sorted(p.parent.name for p in dist.glob("*/index.html"))
version = hashlib.sha256()
for page in [dist / "index.html"] + [dist / b / "index.html" for b in builds]:
    version.update(page.read_bytes())
for name in ["page.js", "manifest.webmanifest"]:
    version.update((dist / name).read_bytes())
version.update(template.encode())

written = (
    template.replace('const VERSION = "dev";', f"const VERSION = {json.dumps(version.hexdigest()[:16])};")
    .replace('const PRECACHE = ["/"];', f"const PRECACHE = {json.dumps(precache)};")
    .replace("const BUILDS = [];", f"const BUILDS = {json.dumps(builds)};")
)
sw.write_text(written, encoding="utf-8")
print(f"sw.js {version.hexdigest()[:16]}: {len(precache)} files precached, builds {builds}")
