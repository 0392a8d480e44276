"""End-to-end test of the real Xano MCP Desktop app through WebDriver (tauri-driver + WebKitWebDriver).

Run by scripts/e2e.sh, which builds the app, isolates HOME / XANO_MCP_HOME / XDG dirs in a temp
folder, starts a private D-Bus session with an unlocked throwaway keyring, and runs this under Xvfb.

What it checks (issue 7 acceptance):
- the setup wizard in demo mode, walked with the keyboard only: the Cursor config gets our entry
  and a token, the Claude Desktop config gets the stdio entry and no secret;
- an access token is created (shown once) and another is revoked;
- the playground previews a write (exact Xano request shown) and runs a read (result + audit record);
- approvals: an MCP client's write waits until Approve is clicked and then succeeds; a second one
  is denied and the client gets the denial;
- history (issue 8): the demo's request log syncs by itself; the errors filter (a chip) leaves
  only failures, our MCP calls are marked; a row's detail is masked (no token or Authorization
  value) with a cURL line without secrets; the CSV export holds exactly the filtered rows;
- the window hidden to the tray: the MCP server keeps answering, a call waiting for approval
  raises a desktop notification (a stand-in notification service on the private session bus
  records it; none is raised while the window is visible), and launching the app a second time
  exits at once and brings the one window back (single instance), where the call is decided;
- the tray icon, through a stand-in tray host on the private bus (org.kde.StatusNotifierWatcher)
  and the menu it exports (com.canonical.dbusmenu): the menu names the server's port, Open brings
  the hidden window back, and Quit (the last check) stops the MCP server and ends the app;
- the wizard again with a Xano account (a xano-sim standing in for the account host and the
  instance): the token is checked live and its owner shown, the instance and workspaces listed,
  the live check passes, and the token is in no file afterwards (it is in the keychain);
- a screenshot of every page goes to $E2E_ARTIFACTS.
"""

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.support.ui import WebDriverWait

APP = os.environ["E2E_APP"]
ARTIFACTS = os.environ["E2E_ARTIFACTS"]
TAURI_DRIVER = os.environ.get("E2E_TAURI_DRIVER", "tauri-driver")
HOME = os.environ["HOME"]
DRIVER_PORT = int(os.environ.get("E2E_DRIVER_PORT", "4444"))
# The "I have a Xano account" path talks to a Xano double standing in for the account host and the
# instance (the app reads XANO_MCP_ACCOUNT_URL at start); its token is a test token.
SIM = os.environ.get("E2E_SIM")
ACCOUNT_TOKEN = "e2e-account-token-7Qm2"
# Every desktop notification the app raises (the stand-in service appends to it and sets the event).
NOTIFICATIONS = []
NOTIFIED = threading.Event()

passed = 0
failed = 0


def log(msg):
    print(f"[e2e] {msg}", flush=True)


class WryOptions(ArgOptions):
    @property
    def default_capabilities(self):
        return {"browserName": "wry"}


def wait_port(port, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port}")


def painted(driver):
    """Waits until the page has drawn its current state: two animation frames (the first runs
    before the next paint, the second after it). Bounded by the script timeout."""
    try:
        driver.execute_async_script(
            "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));"
        )
    except Exception as e:  # noqa: BLE001 - a hidden window draws no frames; nothing to wait for
        log(f"no frame drawn: {e.__class__.__name__}")


def shot(driver, name):
    """Screenshot of the app window. WebKitWebDriver's own screenshot command hangs under Xvfb, so
    the X display is captured (the app is the only window on it) and trimmed to the window."""
    painted(driver)
    path = os.path.join(ARTIFACTS, f"{name}.png")
    raw = path + ".full.png"
    subprocess.run(["import", "-window", "root", raw], check=True, timeout=30)
    subprocess.run(["convert", raw, "-trim", "+repage", path], check=True, timeout=30)
    os.remove(raw)
    log(f"screenshot {path}")


def css(driver, selector, timeout=20):
    return WebDriverWait(driver, timeout).until(lambda d: d.find_element(By.CSS_SELECTOR, selector))


def wait_text(driver, selector, text, timeout=30):
    def found(d):
        for el in d.find_elements(By.CSS_SELECTOR, selector):
            if text in el.text:
                return el
        return False

    return WebDriverWait(driver, timeout).until(found)


def active_matches(driver, selector):
    return driver.execute_script("return document.activeElement && document.activeElement.matches(arguments[0]);", selector)


def tab_to(driver, selector, limit=80):
    """Presses Tab until the focused element matches `selector` (keyboard-only navigation)."""
    for _ in range(limit):
        if active_matches(driver, selector):
            return
        ActionChains(driver).send_keys(Keys.TAB).perform()
        painted(driver)
    raise AssertionError(f"Tab never reached {selector}")


def press(driver, key):
    ActionChains(driver).send_keys(key).perform()


def nav(driver, page):
    css(driver, f'[data-nav="{page}"]').click()
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return location.hash") == f"#/{page}")
    painted(driver)


def check(name, fn):
    global passed, failed
    try:
        fn()
        passed += 1
        log(f"PASS {name}")
    except Exception as e:  # noqa: BLE001 - report and go on to the next check
        failed += 1
        log(f"FAIL {name}: {type(e).__name__}: {e}")


# ---------------------------------------------------------------- an MCP client over HTTP


class McpClient:
    """A minimal Streamable HTTP MCP client (what Cursor and others do on the wire)."""

    def __init__(self, url, token):
        self.url = url
        self.token = token
        self.session = None
        self.next_id = 1

    def _post(self, message, timeout=180):
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
            "Authorization": f"Bearer {self.token}",
        }
        if self.session:
            headers["Mcp-Session-Id"] = self.session
            headers["MCP-Protocol-Version"] = "2025-06-18"
        req = urllib.request.Request(self.url, data=json.dumps(message).encode(), headers=headers, method="POST")
        resp = urllib.request.urlopen(req, timeout=timeout)
        self.session = resp.headers.get("Mcp-Session-Id") or self.session
        if "id" not in message:
            resp.read()
            return None
        ctype = resp.headers.get("Content-Type", "")
        if ctype.startswith("application/json"):
            return json.loads(resp.read())
        for raw in resp:
            line = raw.decode().strip()
            if line.startswith("data:"):
                data = line[5:].strip()
                if not data:
                    continue
                msg = json.loads(data)
                if msg.get("id") == message["id"]:
                    resp.close()
                    return msg
        raise RuntimeError("the stream ended without an answer")

    def request(self, method, params):
        msg = {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}
        self.next_id += 1
        return self._post(msg)

    def initialize(self):
        answer = self.request(
            "initialize",
            {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "e2e-mcp-client", "version": "1"}},
        )
        self._post({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return answer

    def call(self, tool, arguments):
        return self.request("tools/call", {"name": tool, "arguments": arguments})["result"]


# ---------------------------------------------------------------- the test


class DesktopServices:
    """Stand-ins for what a Linux desktop offers on the session bus, on the test's private bus:
    a notification service (org.freedesktop.Notifications; every Notify call is appended to
    NOTIFICATIONS) and a tray host (org.kde.StatusNotifierWatcher; the app's tray icon registers
    with it and exports its menu over com.canonical.dbusmenu, which the test reads and clicks as a
    panel would). Everything runs on one asyncio loop in a daemon thread; the methods below are
    for the test's thread."""

    def __init__(self):
        self.loop = None
        self.bus = None
        self.items = []  # (unique bus name, object path) of each tray item, first = the app's
        self.registered = threading.Event()
        self.gone = {}  # unique bus name -> threading.Event set when it leaves the bus

    def start(self):
        from dbus_next.aio import MessageBus
        from dbus_next.constants import PropertyAccess
        from dbus_next.service import ServiceInterface, dbus_property, method

        ready = threading.Event()
        services = self

        class Notifications(ServiceInterface):
            def __init__(self):
                super().__init__("org.freedesktop.Notifications")

            @method()
            def Notify(self, app_name: "s", replaces_id: "u", app_icon: "s", summary: "s", body: "s", actions: "as", hints: "a{sv}", expire_timeout: "i") -> "u":  # noqa: F821, N802
                NOTIFICATIONS.append({"app": app_name, "summary": summary, "body": body})
                NOTIFIED.set()
                return len(NOTIFICATIONS)

            @method()
            def GetCapabilities(self) -> "as":  # noqa: F821, N802
                return ["body"]

            @method()
            def GetServerInformation(self) -> "ssss":  # noqa: F821, N802
                return ["e2e-notifications", "xano-mcp", "1", "1.2"]

            @method()
            def CloseNotification(self, id: "u"):  # noqa: F821, N802, A002
                pass

        class Watcher(ServiceInterface):
            def __init__(self):
                super().__init__("org.kde.StatusNotifierWatcher")

            @method()
            def RegisterStatusNotifierItem(self, service: "s"):  # noqa: F821, N802
                pass  # the sender is read from the message (see `seen` below)

            @method()
            def RegisterStatusNotifierHost(self, service: "s"):  # noqa: F821, N802
                pass

            @dbus_property(access=PropertyAccess.READ)
            def RegisteredStatusNotifierItems(self) -> "as":  # noqa: F821, N802
                return [path for _, path in services.items]

            @dbus_property(access=PropertyAccess.READ)
            def IsStatusNotifierHostRegistered(self) -> "b":  # noqa: F821, N802
                return True

            @dbus_property(access=PropertyAccess.READ)
            def ProtocolVersion(self) -> "i":  # noqa: F821, N802
                return 0

        def seen(msg):
            if msg.member == "RegisterStatusNotifierItem" and msg.body:
                # libayatana-appindicator sends its object path; others send a bus name.
                arg = msg.body[0]
                item = (msg.sender, arg) if arg.startswith("/") else (arg, "/StatusNotifierItem")
                services.items.append(item)
                services.registered.set()
            elif msg.member == "NameOwnerChanged" and len(msg.body) == 3 and msg.body[2] == "":
                if msg.body[0] in services.gone:
                    services.gone[msg.body[0]].set()

        async def main():
            self.loop = asyncio.get_running_loop()
            self.bus = await MessageBus().connect()
            self.bus.add_message_handler(seen)
            self.bus.export("/org/freedesktop/Notifications", Notifications())
            self.bus.export("/StatusNotifierWatcher", Watcher())
            await self.bus.request_name("org.freedesktop.Notifications")
            await self.bus.request_name("org.kde.StatusNotifierWatcher")
            ready.set()
            await asyncio.Event().wait()

        threading.Thread(target=lambda: asyncio.run(main()), daemon=True).start()
        if not ready.wait(20):
            raise RuntimeError("the stand-in desktop services did not start")

    def _run(self, coro, timeout=30):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _menu(self):
        name, path = self.items[0]
        node = await self.bus.introspect(name, path)
        item = self.bus.get_proxy_object(name, path, node).get_interface("org.kde.StatusNotifierItem")
        menu_path = await item.get_menu()
        node = await self.bus.introspect(name, menu_path)
        return self.bus.get_proxy_object(name, menu_path, node).get_interface("com.canonical.dbusmenu")

    def menu(self):
        """The tray menu as a panel shows it: [(id, label, enabled)]."""
        if not self.registered.wait(30):
            raise AssertionError("the app registered no tray icon with the tray host")

        async def layout():
            _rev, (_id, _props, children) = await (await self._menu()).call_get_layout(0, -1, [])
            out = []
            for child in children:
                cid, props, _ = child.value
                if "label" in props:
                    out.append((cid, props["label"].value, props.get("enabled", None) is None or props["enabled"].value))
            return out

        return self._run(layout())

    def click(self, label_start):
        """Clicks the tray menu item whose label starts with `label_start`, as a panel does."""
        from dbus_next import Variant

        ids = [cid for cid, label, _ in self.menu() if label.startswith(label_start)]
        assert ids, f"no tray menu item {label_start!r} in {self.menu()}"

        async def clicked():
            await (await self._menu()).call_event(ids[0], "clicked", Variant("i", 0), 0)

        self._run(clicked())

    def watch_exit(self):
        """An event set when the tray's process leaves the bus (it exited)."""
        name = self.items[0][0]
        self.gone[name] = threading.Event()

        async def watch():
            from dbus_next import Message

            await self.bus.call(Message(
                destination="org.freedesktop.DBus", path="/org/freedesktop/DBus",
                interface="org.freedesktop.DBus", member="AddMatch", signature="s",
                body=[f"type='signal',interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='{name}'"],
            ))

        self._run(watch())
        return self.gone[name]


DESKTOP = DesktopServices()


def start_account_sim():
    """Starts the Xano double for the account path; returns (process, meta URL)."""
    sim = subprocess.Popen(
        [SIM, "--port", "0", "--token", ACCOUNT_TOKEN],
        stdout=subprocess.PIPE,
        stderr=open(os.path.join(ARTIFACTS, "account-sim.log"), "w"),
        text=True,
    )
    for line in sim.stdout:
        if "meta URL:" in line:
            return sim, line.split("meta URL:", 1)[1].strip()
    raise RuntimeError("the Xano double printed no meta URL")


def main():
    os.makedirs(ARTIFACTS, exist_ok=True)
    DESKTOP.start()
    sim = None
    if SIM:
        sim, meta_url = start_account_sim()
        # Inherited by tauri-driver, which starts the app.
        os.environ["XANO_MCP_ACCOUNT_URL"] = meta_url
        log(f"account host: {meta_url}")
    driver_log = open(os.path.join(ARTIFACTS, "tauri-driver.log"), "w")
    proc = subprocess.Popen(
        [TAURI_DRIVER, "--port", str(DRIVER_PORT), "--native-port", str(DRIVER_PORT + 1)],
        stdout=driver_log,
        stderr=subprocess.STDOUT,
    )
    driver = None
    try:
        wait_port(DRIVER_PORT)
        opts = WryOptions()
        opts.set_capability("tauri:options", {"application": APP})
        driver = webdriver.Remote(command_executor=f"http://127.0.0.1:{DRIVER_PORT}", options=opts)
        driver.implicitly_wait(0)
        driver.set_script_timeout(10)
        run(driver)
    finally:
        if driver is not None:
            try:
                driver.quit()
            except Exception:  # noqa: BLE001
                pass
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if sim is not None:
            sim.kill()
            sim.wait(10)
    print(f"\n{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


def run(driver):
    state = {}

    # The first run opens the wizard.
    try:
        WebDriverWait(driver, 60).until(lambda d: d.execute_script("return location.hash") == "#/wizard")
    except Exception:
        # Keep what the window showed, to tell a UI crash from a slow start.
        with open(os.path.join(ARTIFACTS, "start-page.html"), "w", encoding="utf-8") as f:
            f.write(driver.execute_script("return location.href + '\\n' + document.documentElement.outerHTML"))
        raise
    css(driver, "#wizard-title")
    shot(driver, "01-wizard-welcome")

    def wizard_by_keyboard():
        tab_to(driver, '[data-test="try-demo"]')
        press(driver, Keys.ENTER)
        wait_text(driver, "#wizard-title", "Choose the workspaces", 60)
        shot(driver, "02-wizard-workspaces")
        tab_to(driver, '[data-test="workspaces-next"]')
        press(driver, Keys.ENTER)
        wait_text(driver, "#wizard-title", "Choose what the AI may do")
        # Into the radio group (focus lands on the checked one), then arrow to Read/Write.
        tab_to(driver, 'input[name="tier"]:checked')
        press(driver, Keys.ARROW_DOWN)
        WebDriverWait(driver, 5).until(lambda d: d.find_element(By.CSS_SELECTOR, '[data-test="tier-read_write"]').is_selected())
        assert driver.find_element(By.CSS_SELECTOR, '[data-test="ask-first"]').is_selected(), "approve-before-write is on by default"
        shot(driver, "03-wizard-access")
        tab_to(driver, '[data-test="access-next"]')
        press(driver, Keys.ENTER)
        wait_text(driver, "#wizard-title", "Choose your AI apps")
        assert driver.find_element(By.CSS_SELECTOR, '[data-test="client-cursor"]').is_selected()
        assert driver.find_element(By.CSS_SELECTOR, '[data-test="client-claude-desktop"]').is_selected()
        shot(driver, "04-wizard-clients")
        tab_to(driver, '[data-test="clients-next"]')
        press(driver, Keys.ENTER)
        wait_text(driver, "#wizard-title", "Review the changes")
        css(driver, '[data-test="plan-cursor"] pre')
        shot(driver, "05-wizard-review")
        tab_to(driver, '[data-test="apply"]')
        press(driver, Keys.ENTER)
        wait_text(driver, '[data-test="live-check"]', "It works", 60)
        shot(driver, "06-wizard-live-check")
        tab_to(driver, '[data-test="finish"]')
        press(driver, Keys.ENTER)
        wait_text(driver, "#wizard-title", "All set")
        shot(driver, "07-wizard-done")

    check("wizard in demo mode, keyboard only", wizard_by_keyboard)

    def client_files():
        cursor = open(os.path.join(HOME, ".cursor", "mcp.json")).read()
        assert "xano-mcp" in cursor and "xmcp_" in cursor, cursor
        claude = open(os.path.join(HOME, ".config", "Claude", "claude_desktop_config.json")).read()
        assert "--token-name" in claude, claude
        assert "xmcp_" not in claude and "Bearer" not in claude, "Claude Desktop's config holds no secret"

    check("Cursor config has our entry and a token; Claude Desktop's has no secret", client_files)

    def claude_desktop_entry_runs():
        # Spawn the entry exactly as Claude Desktop would; its token comes from the keychain.
        config = json.load(open(os.path.join(HOME, ".config", "Claude", "claude_desktop_config.json")))
        entry = config["mcpServers"]["xano-mcp"]
        env = dict(os.environ)
        env.update(entry.get("env", {}))
        child = subprocess.Popen(
            [entry["command"], *entry["args"]],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(os.path.join(ARTIFACTS, "claude-desktop-stdio.log"), "w"),
            env=env,
            text=True,
        )
        try:
            def send(msg):
                child.stdin.write(json.dumps(msg) + "\n")
                child.stdin.flush()

            def answer(id_):
                end = time.time() + 30
                while time.time() < end:
                    line = child.stdout.readline()
                    if not line:
                        raise RuntimeError("the stdio server closed its output")
                    msg = json.loads(line)
                    if msg.get("id") == id_:
                        return msg
                raise RuntimeError("no answer over stdio")

            send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "claude-desktop-e2e", "version": "1"}}})
            answer(1)
            send({"jsonrpc": "2.0", "method": "notifications/initialized"})
            send({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "listWorkspaces", "arguments": {}}})
            result = answer(2)["result"]
            assert not result.get("isError"), result
            assert "Acme Store" in json.dumps(result), result
        finally:
            child.kill()
            child.wait(10)

    check("Claude Desktop's stdio entry works (token from the keychain, forwarded to the app)", claude_desktop_entry_runs)

    def dashboard():
        nav(driver, "dashboard")
        wait_text(driver, '[data-test="server-state"]', "Running")
        state["url"] = css(driver, '[data-test="server-url"]').text.strip()
        assert state["url"].startswith("http://127.0.0.1:"), state["url"]
        shot(driver, "08-dashboard")

    check("dashboard shows the running server", dashboard)

    def create_token(name, tier, approval):
        nav(driver, "tokens")
        field = css(driver, "#tok-name")
        field.clear()
        field.send_keys(name)
        driver.find_element(By.CSS_SELECTOR, f'#tok-tier option[value="{tier}"]').click()
        driver.find_element(By.CSS_SELECTOR, f'#tok-approval option[value="{approval}"]').click()
        driver.find_element(By.CSS_SELECTOR, '[data-test="create-token"]').click()
        value = css(driver, '[data-test="token-value"]', 20).text.strip()
        assert value.startswith("xmcp_"), value
        return value

    def tokens():
        state["token"] = create_token("e2e-writer", "read_write", "all_writes")
        shot(driver, "09-token-created")
        driver.find_element(By.XPATH, "//button[contains(., 'I copied it')]").click()
        create_token("e2e-revoke-me", "read_only", "off")
        driver.find_element(By.XPATH, "//button[contains(., 'I copied it')]").click()
        css(driver, '[data-test="revoke-e2e-revoke-me"]').click()
        css(driver, '[data-test="confirm-revoke-e2e-revoke-me"]').click()
        wait_text(driver, '[data-test="token-row-e2e-revoke-me"] [data-test="token-status"]', "Revoked")
        shot(driver, "10-tokens")

    check("create a token (shown once) and revoke another", tokens)

    def set_raw(tool, args):
        css(driver, f'[data-test="tool-select"] option[value="{tool}"]').click()
        painted(driver)
        if not driver.find_elements(By.CSS_SELECTOR, '[data-test="raw-args"]'):
            css(driver, '[data-test="raw-toggle"]').click()
        area = css(driver, '[data-test="raw-args"]')
        driver.execute_script(
            "const el = arguments[0]; el.value = arguments[1]; el.dispatchEvent(new Event('input', {bubbles: true}));",
            area,
            json.dumps(args),
        )

    def playground():
        nav(driver, "playground")
        set_raw("addTableContent", {"workspace_id": 1, "table_id": "customers", "record": {"name": "E2E Preview", "email": "preview@example.com"}})
        css(driver, '[data-test="preview"]').click()
        box = wait_text(driver, '[data-test="preview-result"]', "POST", 30)
        assert "/content" in box.text, box.text
        shot(driver, "11-playground-preview")
        set_raw("getTables", {"workspace_id": 1})
        css(driver, '[data-test="run"]').click()
        wait_text(driver, '[data-test="run-result"]', "OK", 30)
        driver.find_element(By.XPATH, "//button[@role='tab' and contains(., 'Audit record')]").click()
        record = wait_text(driver, '[data-test="audit-record"]', "getTables")
        assert "GET" in record.text, record.text
        shot(driver, "12-playground-run")

    check("playground preview and run", playground)

    def approvals():
        results = {}

        def call(key, name):
            try:
                client = McpClient(state["url"], state["token"])
                client.initialize()
                results[key] = client.call(
                    "addTableContent",
                    {"workspace_id": 1, "table_id": "customers", "record": {"name": name, "email": f"{key}@example.com"}},
                )
            except Exception as e:  # noqa: BLE001
                results[key] = e

        nav(driver, "approvals")
        t = threading.Thread(target=call, args=("approved", "E2E Approved"))
        t.start()
        card = wait_text(driver, '[data-test="approval"]', "addTableContent", 60)
        assert "e2e-writer" in card.text, card.text
        assert "approved" not in results, "the call waits for the user"
        shot(driver, "13-approval-pending")
        card.find_element(By.CSS_SELECTOR, '[data-test="approve"]').click()
        t.join(60)
        result = results.get("approved")
        assert isinstance(result, dict) and not result.get("isError"), f"approved call: {result}"

        t = threading.Thread(target=call, args=("denied", "E2E Denied"))
        t.start()
        card = wait_text(driver, '[data-test="approval"]', "addTableContent", 60)
        card.find_element(By.CSS_SELECTOR, '[data-test="deny"]').click()
        t.join(60)
        result = results.get("denied")
        assert isinstance(result, dict) and result.get("isError"), f"denied call: {result}"
        assert "declined_by_user" in json.dumps(result), result
        css(driver, '[data-test="no-approvals"]')
        shot(driver, "14-approvals")

    check("approval: approve lets the call through, deny returns the denial", approvals)

    def other_pages():
        nav(driver, "clients")
        wait_text(driver, '[data-test="client-row-cursor"]', "Configured")
        shot(driver, "15-ai-apps")
        nav(driver, "history")
        shot(driver, "16-history")
        nav(driver, "settings")
        css(driver, "#set-port")
        shot(driver, "17-settings")
        nav(driver, "dashboard")
        wait_text(driver, "#calls-h", "Calls in the last hour")
        shot(driver, "18-dashboard-after")

    check("every page renders", other_pages)

    def history():
        import csv as csvlib
        import re

        nav(driver, "history")
        wait_text(driver, '[data-test="sync-workspace"]', "Up to date", 180)
        css(driver, '[data-test="history-row"] [data-test="row-status"]', 60)
        total = css(driver, '[data-test="history-total"]').text
        assert int(total.split()[0].replace(",", "")) > 3000, total
        driver.execute_script("document.getElementById('charts-h')?.scrollIntoView()")
        # Every chart is drawn by uPlot (a canvas in each chart box), none shows the fallback.
        def charts_drawn(d):
            errors = [el.get_attribute("title") for el in d.find_elements(By.CSS_SELECTOR, '[data-test="chart-error"]')]
            if errors:
                raise AssertionError(f"charts not drawn: {errors}")
            boxes = d.find_elements(By.CSS_SELECTOR, ".chart")
            drawn = [b for b in boxes if b.find_elements(By.CSS_SELECTOR, ".uplot canvas")]
            return len(boxes) if boxes and len(drawn) == len(boxes) else False

        n_charts = WebDriverWait(driver, 30).until(charts_drawn)
        assert n_charts == 3, f"{n_charts} charts on the History page"
        log(f"charts drawn: {n_charts}")
        shot(driver, "19-history")

        css(driver, '[data-test="only-errors"]').click()
        wait_text(driver, '[data-test="chip"]', "Server errors (5xx)")

        def only_errors(d):
            cells = d.find_elements(By.CSS_SELECTOR, '[data-test="history-row"] [data-test="row-status"]')
            if not cells:
                return False
            texts = [c.text.strip() for c in cells]
            ok = all((t.isdigit() and int(t) >= 400) or t in ("Denied", "Failed") for t in texts)
            return texts if ok else False

        statuses = WebDriverWait(driver, 30).until(only_errors)
        log(f"error rows on screen: {len(statuses)}")
        # The denied MCP call of the approvals check is in the same timeline, marked.
        rows = driver.find_elements(By.CSS_SELECTOR, '[data-test="history-row"]')
        assert len(rows) < 80, f"the table renders a window, not every row ({len(rows)})"
        driver.find_element(By.CSS_SELECTOR, '[data-test="source"] option[value="mcp"]').click()
        # Row texts read in one script: the table re-renders while it reloads.
        row_texts = "return [...document.querySelectorAll('[data-test=\"history-row\"]')].map((r) => r.innerText).filter((t) => t.trim())"
        WebDriverWait(driver, 30).until(lambda d: (rs := d.execute_script(row_texts)) and all("AI call" in t for t in rs))
        mcp_total = css(driver, '[data-test="history-total"]').text
        driver.find_element(By.CSS_SELECTOR, '[data-test="source"] option[value="both"]').click()
        # The AI-call rows are errors too: wait for the reload itself, not just for error rows.
        WebDriverWait(driver, 30).until(lambda d: d.find_element(By.CSS_SELECTOR, '[data-test="history-total"]').text != mcp_total and only_errors(d))
        WebDriverWait(driver, 30).until(charts_drawn)
        driver.execute_script("document.getElementById('table-h')?.scrollIntoView()")
        shot(driver, "20-history-errors")

        # A Xano request's detail: headers and input masked, cURL without secrets.
        driver.find_element(By.CSS_SELECTOR, '[data-test="source"] option[value="xano"]').click()
        WebDriverWait(driver, 30).until(only_errors)
        row = WebDriverWait(driver, 30).until(
            lambda d: next((r for r in d.find_elements(By.CSS_SELECTOR, '[data-test="history-row"]') if "AI call" not in r.text and r.text.strip()), False)
        )
        row.click()
        pane = css(driver, '[data-test="history-detail"]', 30)
        curl = css(driver, '[data-test="curl"]').text
        assert curl.startswith("curl -X"), curl
        text = pane.text
        for secret in ("sim_demo_token", state.get("token") or "xmcp_never", "Bearer ey"):
            assert secret not in text, f"{secret} shown in the detail pane"
        for line in re.findall(r"(?i)authorization:\s*([^\"'\n]*)", text):
            assert line.strip() in ("[masked]", "[redacted]", "Bearer YOUR_TOKEN", "") or "masked" in line, f"an Authorization value is shown: {line}"
        assert "sim_demo_token" not in driver.page_source
        driver.execute_script("arguments[0].scrollIntoView()", pane)
        shot(driver, "21-history-detail")

        css(driver, '[data-test="export-csv"]').click()
        done = css(driver, '[data-test="export-done"]', 60).text
        m = re.match(r"Saved ([\d,]+) rows? to (.+)$", done)
        assert m, done
        n = int(m.group(1).replace(",", ""))
        path = m.group(2).strip()
        assert path.startswith(os.environ["XANO_MCP_HOME"]), path
        with open(path, newline="", encoding="utf-8") as f:
            body = f.read()
        lines = list(csvlib.DictReader(body.splitlines()))
        assert len(lines) == n and n > 0, (len(lines), n)
        assert all(int(r["status"]) >= 400 and r["source"] == "xano" for r in lines), "only the filtered rows"
        assert "sim_demo_token" not in body and "Bearer ey" not in body
        log(f"exported {n} error rows to {path}")

    check("history: sync, errors chip, masked detail, CSV export", history)

    def hidden_window():
        notes = NOTIFICATIONS
        assert notes == [], f"notifications while the window was visible: {notes}"
        results = {}

        def call():
            try:
                client = McpClient(state["url"], state["token"])
                client.initialize()
                results["call"] = client.call(
                    "addTableContent",
                    {"workspace_id": 1, "table_id": "customers", "record": {"name": "E2E Hidden", "email": "hidden@example.com"}},
                )
            except Exception as e:  # noqa: BLE001
                results["call"] = e

        nav(driver, "approvals")
        css(driver, '[data-test="hide-window"]')
        # Clicked from a timer: a WebDriver click waits for the page to draw again, which a
        # hidden window never does. No WebDriver command is sent until the window is back.
        driver.execute_script("setTimeout(() => document.querySelector('[data-test=\"hide-window\"]').click(), 50)")
        # The page reports itself hidden once the window is unmapped; only then the call starts
        # (an approval raised while the window still shows rightly raises no notification).
        WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.visibilityState") == "hidden")
        log("window hidden; a call now waits for approval")
        t = threading.Thread(target=call)
        t.start()
        NOTIFIED.wait(60)
        assert notes, "no desktop notification for the pending approval while hidden"
        assert notes[0]["summary"] == "Approval needed", notes
        assert "addTableContent" in notes[0]["body"] and "e2e-writer" in notes[0]["body"], notes
        assert "call" not in results, "the call waits for the user"
        log(f"notification: {notes[0]['summary']}: {notes[0]['body']}")
        # A second launch hands over to the running app and exits; the window comes back.
        second = subprocess.run([APP], env=dict(os.environ), capture_output=True, text=True, timeout=60)
        assert second.returncode == 0, f"second launch: {second.returncode} {second.stderr[-2000:]}"
        card = wait_text(driver, '[data-test="approval"]', "addTableContent", 60)
        shot(driver, "24-approval-after-hidden")
        card.find_element(By.CSS_SELECTOR, '[data-test="deny"]').click()
        t.join(60)
        result = results.get("call")
        assert isinstance(result, dict) and result.get("isError"), f"denied call: {result}"
        assert len(notes) == 1, notes

    check("hidden to the tray: server keeps serving, approval notification, single instance brings it back", hidden_window)

    def tray_menu():
        # The tray icon as a desktop panel sees it: its menu names the server's state, and its
        # Open item brings a hidden window back.
        port = int(state["url"].rsplit(":", 1)[1].split("/", 1)[0])
        menu = DESKTOP.menu()
        labels = [label for _, label, _ in menu]
        assert labels == ["Open Xano MCP Desktop", f"Server running on port {port}", "Quit (stops the MCP server)"], menu
        assert [enabled for _, _, enabled in menu] == [True, False, True], menu
        css(driver, '[data-test="hide-window"]')
        driver.execute_script("setTimeout(() => document.querySelector('[data-test=\"hide-window\"]').click(), 50)")
        WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.visibilityState") == "hidden")
        DESKTOP.click("Open")
        WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.visibilityState") == "visible")
        painted(driver)
        css(driver, '[data-test="hide-window"]')
        log(f"tray menu: {labels}")

    check("tray icon: its menu shows the server's port, Open brings the hidden window back", tray_menu)

    def account_wizard():
        # Setup again, now with a Xano account: the token is checked live and its owner shown,
        # the instance found on the account host, the workspaces listed, and the live check
        # runs through the real server on that instance. The token lands in the keychain only.
        assert SIM, "E2E_SIM (the xano-sim binary) is not set"
        nav(driver, "wizard")
        wait_text(driver, "#wizard-title", "Connect your AI apps to Xano")
        css(driver, '[data-test="have-account"]').click()
        wait_text(driver, "#wizard-title", "Paste your Xano token")
        token_input = css(driver, "#xano-token")
        assert token_input.get_attribute("type") == "password"
        token_input.send_keys(ACCOUNT_TOKEN)
        css(driver, '[data-test="check-token"]').click()
        owner = wait_text(driver, '[data-test="token-ok"]', "Token works", 60).text
        assert "It belongs to" in owner and "@" in owner, owner
        shot(driver, "22-wizard-account-token")
        css(driver, '[data-test="token-next"]').click()
        wait_text(driver, "#wizard-title", "Choose your Xano instance")
        picked = [e.get_attribute("value") for e in driver.find_elements(By.CSS_SELECTOR, 'input[name="instance"]') if e.is_selected()]
        assert picked == [os.environ["XANO_MCP_ACCOUNT_URL"]], picked
        css(driver, '[data-test="instance-next"]').click()
        wait_text(driver, "#wizard-title", "Choose the workspaces")
        assert "Acme Store" in driver.find_element(By.TAG_NAME, "main").text
        css(driver, '[data-test="workspaces-next"]').click()
        wait_text(driver, "#wizard-title", "Choose what the AI may do", 60)
        css(driver, '[data-test="access-next"]').click()
        wait_text(driver, "#wizard-title", "Choose your AI apps")
        css(driver, '[data-test="clients-next"]').click()
        wait_text(driver, "#wizard-title", "Review the changes")
        css(driver, '[data-test="apply"]').click()
        wait_text(driver, '[data-test="live-check"]', "It works", 60)
        shot(driver, "23-wizard-account-live-check")
        css(driver, '[data-test="finish"]').click()
        wait_text(driver, "#wizard-title", "All set")
        # The Xano token is in no file the app wrote (it is in the keychain).
        for top in (HOME, os.environ["XANO_MCP_HOME"]):
            for dirpath, _dirs, files in os.walk(top):
                for name in files:
                    path = os.path.join(dirpath, name)
                    try:
                        data = open(path, "rb").read()
                    except OSError:
                        continue
                    assert ACCOUNT_TOKEN.encode() not in data, f"the Xano token is in {path}"
        log(f"account path: {owner}")

    check("wizard with a Xano account: token checked live, instance, workspaces, live check", account_wizard)

    def tray_quit():
        # Last: Quit in the tray menu stops the MCP server and ends the app.
        port = int(state["url"].rsplit(":", 1)[1].split("/", 1)[0])
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        exited = DESKTOP.watch_exit()
        DESKTOP.click("Quit")
        assert exited.wait(60), "the app did not exit after Quit"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
            raise AssertionError(f"port {port} still answers after Quit")
        except ConnectionRefusedError:
            pass
        log("tray Quit: the app left the bus and the MCP port is closed")

    check("tray icon: Quit stops the MCP server and ends the app", tray_quit)


if __name__ == "__main__":
    sys.exit(main())
