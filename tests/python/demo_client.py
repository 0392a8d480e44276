"""A second opinion from the official Python MCP SDK: `xano-mcp demo` prints a URL and a token;
the SDK's Streamable HTTP client, given exactly those, initializes, lists tools and calls
listWorkspaces. Exits non-zero on any failure; prints "2 passed, 0 failed" on success."""

import asyncio
import json
import os
import subprocess
import sys

import httpx2
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/debug/xano-mcp"


def start_demo():
    proc = subprocess.Popen([BIN, "demo", "--port", "0"], stdout=subprocess.PIPE, text=True)
    url = token = None
    for line in proc.stdout:
        if line.startswith("URL: "):
            url = line[5:].strip()
        if line.startswith("Token: "):
            token = line[7:].strip()
        if line.startswith("Stop with Ctrl-C"):
            break
    assert url and token, "the demo printed no URL or token"
    return proc, url, token


async def check(url, token):
    passed = 0
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
        async with streamable_http_client(url, http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                info = await session.initialize()
                assert info.server_info.name == "xano-mcp", info.server_info
                tools = await session.list_tools()
                names = {t.name for t in tools.tools}
                assert {"listWorkspaces", "getTableContent", "searchTableContent"} <= names, names
                passed += 1
                result = await session.call_tool("listWorkspaces", {})
                assert not result.is_error, result
                data = result.structured_content or json.loads(result.content[0].text)
                assert any(w["name"] == "Acme Store" for w in data["workspaces"]), data
                passed += 1
    # Without the token the server refuses.
    async with httpx2.AsyncClient(timeout=10) as http:
        r = await http.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
        assert r.status_code == 401, r.status_code
    return passed


def main():
    proc, url, token = start_demo()
    try:
        passed = asyncio.run(check(url, token))
    except BaseException as e:  # report, then fail
        print(f"python mcp client: FAILED: {e!r}")
        print("0 passed, 1 failed")
        return 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"{passed} passed, 0 failed")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("XANO_MCP_LOG", "warn")
    sys.exit(main())
