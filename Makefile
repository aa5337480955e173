# The two commands a newcomer needs: `make run` and `make test`. Each installs what is missing first.

.PHONY: run demo test bench package deps ui dev icons clean

CARGO ?= cargo

## Build and start Hearth (with the demo offered when no bridge is known).
run: deps ui
	$(CARGO) build -p hearth-app --bin hearth
	scripts/run.sh target/debug/hearth $(ARGS)

## Start Hearth in demo mode: simulated bridge and cloud, nothing on the network.
demo:
	$(MAKE) run ARGS=--demo

## Everything CI runs: fmt, clippy, Rust tests, UI checks, browser and end-to-end tests.
test: deps
	scripts/test.sh

## Benchmarks: ratios and counts measured in one run (bounded in time, loopback only).
bench: deps ui
	scripts/bench.sh

## An installable package (.deb) in target/release/bundle.
package: deps
	ui/node_modules/.bin/tauri build

## Install the system packages, the UI's npm packages and tauri-driver, where missing.
deps:
	@scripts/deps.sh

ui:
	@npm --prefix ui run --silent build

## The UI with hot reload, in the app (needs a display).
dev: deps
	ui/node_modules/.bin/tauri dev -- --no-default-features

## Regenerate every PNG in icons/ from the SVG sources.
icons: deps
	icons/generate.sh

clean:
	$(CARGO) clean
	rm -rf ui/dist
