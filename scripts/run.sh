#!/usr/bin/env bash
# The main job: opens the desktop app. On a machine with no display it says so and runs the
# headless job instead (the Xano double with demo data, for MCP clients and the CLI).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = "Linux" ]; then
  echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset), so the desktop app cannot open here."
  echo "Running the headless demo instead: the Xano double (xano-sim) with demo data on http://127.0.0.1:8788/api:meta."
  echo "Stop it with Ctrl-C. The same command by hand: cargo run --release -p xano-sim -- --port 8788"
  exec cargo run --release -q -p xano-sim -- --port "${XANO_SIM_PORT:-8788}"
fi

exec ui/node_modules/.bin/tauri dev
