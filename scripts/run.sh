#!/usr/bin/env bash
# The main job: opens the desktop app. On a machine with no display it says so and runs the
# headless job instead: `xano-mcp demo`, the MCP server on the built-in Xano double with demo data,
# printing the URL, a token and ready client snippets.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = "Linux" ]; then
  echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset), so the desktop app cannot open here."
  echo "Running the headless demo instead: the MCP server on the built-in Xano double with demo data."
  echo "The same command by hand: cargo run --release -p xano-mcp -- demo   (Ctrl-C stops it)"
  exec cargo run --release -q -p xano-mcp -- demo
fi

exec ui/node_modules/.bin/tauri dev
