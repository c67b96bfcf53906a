#!/usr/bin/env bash
# Runs the end-to-end tests against the built app, under Xvfb unless a display
# is already there. Expects target/$E2E_PROFILE/{fieldcrm,fieldcrm-desktop}.
set -euo pipefail
cd "$(dirname "$0")"
export PATH="$HOME/.cargo/bin:$PATH"
command -v tauri-driver >/dev/null || { echo "tauri-driver is missing: run 'make deps'"; exit 1; }
command -v WebKitWebDriver >/dev/null || { echo "WebKitWebDriver is missing: run 'make deps'"; exit 1; }
run() {
  if [ -n "${DISPLAY:-}" ] && [ -z "${E2E_XVFB:-}" ]; then
    node "$1"
  else
    xvfb-run -a -s "-screen 0 1600x1000x24" node "$1"
  fi
}
# The user's own app profile must come out of the tests as it went in.
profile="${XDG_DATA_HOME:-$HOME/.local/share}/com.fieldcrm.desktop"
marker=$(mktemp)
trap 'rm -f "$marker"' EXIT
untouched() {
  if [ -e "$profile" ] && [ -n "$(find "$profile" -newer "$marker" -print -quit)" ]; then
    echo "the end-to-end tests wrote into the user's profile $profile; run the app with its XDG folders in a temporary folder"
    exit 1
  fi
}
run card.e2e.mjs
run sync.e2e.mjs
run classify.e2e.mjs
run fieldwork.e2e.mjs
run sales.e2e.mjs
run orders.e2e.mjs
run targets.e2e.mjs
run approvals.e2e.mjs
run screens.e2e.mjs
untouched
