#!/usr/bin/env bash
# End-to-end test of the real desktop app (issue 7): builds Xano MCP Desktop with its UI embedded,
# then drives it under Xvfb through WebDriver (tauri-driver + WebKitWebDriver + Python selenium):
# the wizard in demo mode (keyboard only), client configs, tokens, the playground, approvals, the
# request history (sync, errors filter, masked detail, CSV export), the window hidden to the tray
# (approval notification, single instance), and the wizard again with a Xano account (a xano-sim
# standing in for the account host and the instance).
# Screenshots of every page go to e2e-artifacts/; the main ones are copied to docs/screenshots/.
#
# Isolation: the app runs with HOME, XDG_* and XANO_MCP_HOME in a temp folder (the fake home has
# Cursor's and Claude Desktop's folders, so they count as installed), on a private D-Bus session
# with a throwaway unlocked keyring. The real user's files and keychain are never touched.
#
# Installs what it needs when missing (Debian/Ubuntu): xvfb xauth webkit2gtk-driver imagemagick,
# the keyring packages, python3-venv; tauri-driver (cargo install, ~1 min); selenium in a venv under target/.
# Exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# imagemagick: screenshots of the X display (WebKitWebDriver's screenshot command hangs under Xvfb).
packages=(xvfb xauth webkit2gtk-driver dbus dbus-user-session gnome-keyring python3-venv imagemagick)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing: ${missing[*]}"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "error: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo_cmd="sudo"
  fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

tauri_driver="$(command -v tauri-driver || true)"
if [ -z "$tauri_driver" ]; then
  echo "==> installing tauri-driver"
  cargo install tauri-driver --version "^2" --locked --quiet
  tauri_driver="$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")"
fi

venv="$root/target/e2e-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import selenium, dbus_next" 2>/dev/null; then
  echo "==> creating the Python venv with selenium and dbus-next"
  python3 -m venv "$venv"
  # dbus-next: the stand-in desktop notification service the test runs on its private bus.
  "$venv/bin/pip" install --quiet "selenium>=4.20,<5" "dbus-next==0.2.3"
fi

echo "==> building the UI and the app (UI embedded, no dev server)"
(cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run --silent build)
cargo build -p xano-mcp-desktop --features tauri/custom-protocol
# Claude Desktop's entry runs `xano-mcp` from beside the app; the account path talks to `xano-sim`.
cargo build -p xano-mcp -p xano-sim
app="$root/target/debug/xano-mcp-desktop"

artifacts="$root/e2e-artifacts"
rm -rf "$artifacts"
mkdir -p "$artifacts"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home/.cursor" "$tmp/home/.config/Claude" "$tmp/data" "$tmp/cache" "$tmp/run" "$tmp/engine"
chmod 700 "$tmp/run"

echo "==> running the end-to-end test under Xvfb"
status=0
env -i \
  PATH="$PATH" LANG=C.UTF-8 \
  HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" XDG_DATA_HOME="$tmp/data" \
  XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/run" XANO_MCP_HOME="$tmp/engine" \
  E2E_APP="$app" E2E_ARTIFACTS="$artifacts" E2E_TAURI_DRIVER="$tauri_driver" \
  E2E_SIM="$root/target/debug/xano-sim" E2E_DRIVER_PORT="${E2E_DRIVER_PORT:-4444}" \
  dbus-run-session -- sh -c '
    printf %s throwaway-e2e-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || true
    exec xvfb-run -a -s "-screen 0 1280x900x24" "$0" tests/e2e/test_app.py
  ' "$venv/bin/python" 2>&1 | tee "$artifacts/e2e.log" || status=$?
[ "$status" -eq 0 ] && grep -q " passed, 0 failed" "$artifacts/e2e.log" || status=1

shots="$root/docs/screenshots"
mkdir -p "$shots"
for name in 03-wizard-access 05-wizard-review 22-wizard-account-token 06-wizard-live-check 08-dashboard 10-tokens 11-playground-preview 12-playground-run 13-approval-pending 15-ai-apps 19-history 20-history-errors 21-history-detail; do
  [ -f "$artifacts/$name.png" ] && cp "$artifacts/$name.png" "$shots/$name.png"
done

if [ "$status" -ne 0 ]; then
  echo "error: the end-to-end test failed; see $artifacts/e2e.log and the screenshots there" >&2
  exit 1
fi
echo "end-to-end test passed; screenshots in $artifacts and docs/screenshots"
