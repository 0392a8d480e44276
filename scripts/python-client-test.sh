#!/usr/bin/env bash
# A second opinion from the official Python MCP SDK (PyPI `mcp`, pinned): `xano-mcp demo` prints a
# URL and a token, and the SDK client lists tools and calls listWorkspaces with them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
venv="$root/target/py-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import mcp, importlib.metadata as m; assert m.version('mcp') == '2.3.0'" 2>/dev/null; then
  echo "==> installing the Python MCP SDK 2.3.0"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "mcp==2.3.0"
fi
cargo build -q -p xano-mcp
# The demo records its calls in its data folder: a throwaway one, never the user's.
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
XANO_MCP_HOME="$home" "$venv/bin/python" tests/python/demo_client.py "$root/target/debug/xano-mcp"
