# Tsunagu: `make run` to try it, `make test` for everything CI runs. Every tool is installed by
# scripts/setup.sh, so both work on a fresh machine with only Rust, apt and this repository.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export TRUNK_SKIP_VERSION_CHECK := true
export CHROMEDRIVER ?= /usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT ?= 60

BIND ?= 127.0.0.1:8080
DATABASE_URL ?= sqlite://data/tsunagu.db

.PHONY: run test setup setup-test web size native lint unit pg-test s3-test wasm-test conformance e2e bench bench-timeline openapi screenshot fuzz

## run: install what is missing, build the SPA (release), start the server with demo data
## (and Web Push on, with a demo VAPID subject: docs/deploy.md, "Push notifications")
VAPID_SUBJECT ?= mailto:tsunagu-demo@example.jp
run: setup web
	cargo build --locked --profile server -p tsunagu-server
	target/server/tsunagu-server serve --bind $(BIND) --database-url $(DATABASE_URL) --dist dist --demo \
	  --vapid-subject $(VAPID_SUBJECT)

## test: formatting, lints, unit and integration tests (on SQLite, then on PostgreSQL with the
## conformance suite), wasm tests in Chromium, the conformance suite and the browser end-to-end
## tests against the release build
test: setup-test lint unit pg-test s3-test wasm-test web size conformance fuzz e2e bench-timeline

setup:
	scripts/setup.sh

setup-test:
	scripts/setup.sh --test

## web: the release build of the SPA in dist/ (wasm-opt -Oz from binaryen 132), the login page
## as a build of its own in dist/login/ (served at /login), the management pages in
## dist/manage/ (served under /manage/), the family invitation page in dist/join/ (served under
## /join/), search in dist/search/, the operator console in dist/operator/ (served under
## /operator/), a group's photos and files in dist/media/ (served under /media/), their
## JavaScript glue minified (scripts/minify-js.sh), the service worker's file list and version
## written into dist/sw.js (scripts/sw-precache.py), and beside their
## wasm, js and css their brotli -q 11 copies (name.br), which the server sends to browsers that
## accept br; without brotli on the machine the server compresses on the fly as before
## The seven builds' WebAssembly is compiled first, in one cargo run per feature set, so that
## cargo links the binaries of a run side by side (the LTO link of one binary uses one core);
## trunk then finds them fresh and adds wasm-bindgen, wasm-opt and the styles, two at a time.
WASM_RELEASE := cargo build --locked --release --target wasm32-unknown-unknown
web: setup
	$(WASM_RELEASE) --bin tsunagu-web --bin tsunagu-login --bin tsunagu-manage --bin tsunagu-join --bin tsunagu-search
	$(WASM_RELEASE) --features send-media --bin tsunagu-media
	$(WASM_RELEASE) --features operator --bin tsunagu-operator
	trunk build --release
	printf '%s\n' login manage join search operator media | \
	  xargs -P 2 -I{} trunk build --dist dist/{} --public-url /{}/ --release -- {}.html
	scripts/minify-js.sh
	scripts/sw-precache.py dist
	ls dist/*.wasm dist/*.js dist/*.css dist/*/*.wasm dist/*/*.js dist/*/*.css | xargs -P 2 -n 4 gzip -9 -n -f -k
	if command -v brotli >/dev/null; then \
	  ls dist/*.wasm dist/*.js dist/*.css dist/*/*.wasm dist/*/*.js dist/*/*.css | xargs -P 2 -n 1 brotli -q 11 -f -k; \
	else echo "brotli not installed: no precompressed copies in dist/ (make setup-test installs it)"; fi

## size: the size budgets of the release build (brotli of the wasm, js and css that index.html,
## the management pages' manage/index.html, the invitation page's join/index.html,
## search's search/index.html, the operator console's operator/index.html and the media
## view's media/index.html load);
## fails when a total exceeds its budget in
## scripts/size-budget.sh (docs/performance.md)
size: web
	scripts/size-budget.sh

# One native clippy run for the whole workspace (the SPA's browser tests included): run per
# crate, Cargo unified dependency features differently and checked the shared tree twice.
lint:
	cargo fmt --all --check
	cargo clippy --locked --workspace --all-targets --features tsunagu-web/operator,tsunagu-web/send-media -- -D warnings
	cargo clippy --locked -p tsunagu-web --target wasm32-unknown-unknown --all-targets -- -D warnings
	cargo clippy --locked -p tsunagu-web --target wasm32-unknown-unknown --all-targets --features operator,send-media -- -D warnings

# Every native build below uses `--workspace --all-targets` (or `cargo test --workspace`), so
# Cargo unifies dependency features the same way each time and never rebuilds the dependency tree
# for a different feature set (that doubled CI time when one step said `-p tsunagu-server`).
native:
	cargo build --locked --workspace --all-targets

unit:
	cargo test --locked --workspace

## pg-test: the PostgreSQL schema, every server test and the conformance suite on PostgreSQL, in a
## throwaway cluster that scripts/with-postgres.sh creates on a loopback port and removes afterwards
pg-test:
	scripts/with-postgres.sh scripts/pg-suite.sh

## s3-test: media in an S3-compatible bucket (moto from PyPI on a loopback port): upload, post
## and download through the bucket
s3-test:
	scripts/s3-test.sh

wasm-test:
	cargo test --locked -p tsunagu-web --target wasm32-unknown-unknown --features operator,send-media \
	  --test web --test post_actions_web --test operator_web --test media_web --test media_viewer_web

conformance:
	scripts/conformance.sh

## e2e: the browser tests, on SQLite (the default deployment); the one with two server instances
## runs on a throwaway PostgreSQL cluster (TSUNAGU_TEST_POSTGRES_URL)
e2e: web native
	TSUNAGU_SERVER_BIN=$(CURDIR)/target/debug/tsunagu-server scripts/with-postgres.sh \
	  env -u TSUNAGU_TEST_DATABASE_URL \
	  cargo test --locked --workspace --test e2e -- --ignored --test-threads=1

## screenshot: refresh docs/timeline.png from the end-to-end run
screenshot: web native
	TSUNAGU_UPDATE_SCREENSHOTS=1 TSUNAGU_SERVER_BIN=$(CURDIR)/target/debug/tsunagu-server \
	  cargo test --locked --workspace --test e2e -- --ignored --test-threads=1 a_nurse_logs_in

## fuzz: schemathesis against a fresh debug server, generated from api/openapi.yaml; fails on any
## 5xx or a response the document does not allow (about 3 minutes; SEED=n repeats a run)
fuzz: native
	SERVER_BIN=$(CURDIR)/target/debug/tsunagu-server scripts/fuzz.sh

## openapi: regenerate api/openapi.yaml from the server's code
openapi:
	cargo run --locked -q -p tsunagu-server -- openapi > api/openapi.yaml

## bench-timeline: the 10,000-post timeline in headless Chromium (first paint, DOM nodes, JS heap)
## against the debug server CI already built; part of `make test`, it prints and never fails on numbers
bench-timeline: web native
	SERVER_BIN=$(CURDIR)/target/debug/tsunagu-server scripts/bench-timeline.sh

## bench: shipped size of the release build, server latency and the 10,000-post timeline in
## Chromium (DOM size, heap, first paint); prints, never fails on numbers
bench: setup-test web
	scripts/bench.sh
