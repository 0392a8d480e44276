#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, all Rust tests, the UI type-check and unit
# tests, the architecture gate (no engine crate may depend on tauri), the real keychain test, the
# official MCP conformance suite, the Python MCP SDK as a second client, a short soak with injected
# faults, and the real desktop app driven end to end under Xvfb. The bounded fuzzing (property tests
# of the query translator, the config mergers and the MCP request path) runs inside `cargo test`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh

step() { printf '\n==> %s\n' "$*"; }

step "UI: type-check, unit tests, build"
(cd ui && npm run --silent check && npm run --silent test && npm run --silent build)

step "cargo fmt --check"
cargo fmt --all -- --check

step "gate: no crate under crates/ depends on tauri"
engine_crates="$(cargo metadata --no-deps --format-version 1 | python3 -c '
import json, sys
for p in json.load(sys.stdin)["packages"]:
    if "/crates/" in p["manifest_path"]:
        print(p["name"])
')"
# The tree is read in full before grep looks at it: piping `cargo tree` into `grep -q` under
# pipefail would let a match that closes the pipe early (cargo tree then fails with SIGPIPE) count
# as "no tauri". A failing `cargo tree` stops the script.
for crate in $engine_crates; do
  tree="$(cargo tree -q --locked -p "$crate" -e normal --prefix none)" \
    || { echo "error: cargo tree failed for $crate" >&2; exit 1; }
  if grep -qE '^tauri(-[a-z-]+)? v' <<<"$tree"; then
    echo "error: $crate (under crates/) depends on tauri; engine crates must stay GUI-free (DESIGN §2)" >&2
    exit 1
  fi
done
echo "ok: no engine crate depends on tauri"

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test (all Rust tests, bindings drift check included)"
cargo test --workspace --locked

step "soak and fault run, short (64 clients, 10% injected 429/5xx, dropped connections; exits 1 if an invariant fails)"
# The debug binaries `cargo test` just built; the full-length soak is documented in the README.
cargo run -q --locked -p bench -- soak --calls 3000 --out target/soak-ci.json

step "real keychain test (private D-Bus session + gnome-keyring)"
bash scripts/keyring-test.sh

step "official MCP conformance suite (pinned) against our endpoint"
bash scripts/conformance.sh

step "Python MCP SDK client against xano-mcp demo"
bash scripts/python-client-test.sh

step "end-to-end in the real app (Xvfb + tauri-driver + WebKitWebDriver)"
bash scripts/e2e.sh

echo
echo "All checks passed."
