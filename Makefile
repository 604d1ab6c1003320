# Hookdesk: `make run` opens the app, `make test` runs every check. Both install what is
# missing first (Debian packages, npm modules, tauri-driver) and are quick when it is there.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TERM_COLOR ?= never

# One feature set everywhere, so tests, clippy and the end-to-end binary share one build.
FEATURES := --features hookdesk/custom-protocol
APP := $(CARGO_TARGET_DIR)/debug/hookdesk

.PHONY: run dev test lint unit fuzz e2e bench deps test-deps ui app bindings-check clean

## run: build the UI and the app, then open the window on your data directory
run: deps ui
	cargo build -p hookdesk $(FEATURES)
	$(APP)

## dev: the app with the UI served by Vite (hot reload); stop with Ctrl+C
dev: deps
	cd ui && exec node_modules/.bin/vite & vite=$$!; trap "kill $$vite" EXIT; \
	  until (exec 3<>/dev/tcp/127.0.0.1/5173) 2>/dev/null; do sleep 0.2; done; \
	  cargo run -p hookdesk

## test: lint, unit and integration tests, UI tests, the API fuzzer, end-to-end tests in the real window
test: test-deps lint unit fuzz e2e

deps:
	@scripts/ensure-deps.sh run

test-deps:
	@scripts/ensure-deps.sh test

ui:
	npm --prefix ui run build --silent

## lint: rustfmt, clippy -D warnings, the UI linter and tsc
lint: ui
	cargo fmt --all --check
	npm --prefix ui run lint --silent
	npm --prefix ui run typecheck --silent
	cargo clippy --workspace --all-targets $(FEATURES) -- -D warnings

## unit: cargo tests (real SQLite, a private keyring, loopback receivers) and Vitest
unit: ui
	scripts/test-env.sh --postgres -- cargo test --workspace $(FEATURES)
	@$(MAKE) --no-print-directory bindings-check
	npm --prefix ui test --silent

# ts-rs rewrites ui/src/bindings on `cargo test`; a difference means they were stale.
bindings-check:
	@if [ -n "$$(git status --porcelain -- ui/src/bindings)" ]; then \
	  echo "error: ui/src/bindings is stale; commit the regenerated files:"; git status --short -- ui/src/bindings; exit 1; fi

app: ui
	cargo build -p hookdesk $(FEATURES)

## fuzz: Schemathesis against `hookdesk serve` and the OpenAPI document it publishes (any finding fails),
## on a data directory and on a team database
fuzz: app
	scripts/test-env.sh -- tests/api/fuzz.sh $(APP)
	scripts/test-env.sh --postgres -- tests/api/fuzz.sh $(APP) --team

## e2e: WebDriver specs against the real window under Xvfb, each with its own data dir (and a throwaway PostgreSQL for team mode)
# Each test has a deadline (tests/e2e/package.json); the whole run has one too, so that a hang
# fails here with the harness's diagnostics instead of running out CI's clock.
e2e: app
	HOOKDESK_APP=$(APP) timeout --kill-after=30 1200 scripts/test-env.sh --display --postgres -- npm --prefix tests/e2e test --silent

## bench: release build, then the benchmark programs (see BENCHMARKS.md)
bench: test-deps
	scripts/bench.sh

clean:
	cargo clean
	rm -rf ui/dist tests/artifacts
