#!/usr/bin/env bash
# The real-keychain acceptance test of crates/vault (issue 5, DESIGN §8): on a private D-Bus
# session with a throwaway, unlocked gnome-keyring, the vault stores a token, a second process
# reads it back, the disk is checked for a clear copy, and the token is deleted.
#
# Isolation: everything the keyring and the engine write goes to a temp dir (XDG_DATA_HOME,
# XDG_RUNTIME_DIR, XANO_MCP_HOME) on a bus of its own, so the keyring of the person running this is
# never touched; the temp dir and the daemon go away at the end.
#
# Installs what it needs when missing (Debian/Ubuntu): gnome-keyring, dbus, dbus-user-session
# (dbus-run-session), libsecret-tools (secret-tool, for manual checks), libdbus-1-dev, pkg-config.
# Exits non-zero on any failure; prints "keyring test passed" on success.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

packages=(gnome-keyring dbus dbus-user-session libsecret-tools libdbus-1-dev pkg-config)
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

echo "==> building the vault tests"
cargo test -p vault --no-run --quiet
cargo test -p xano-mcp --test setup --no-run --quiet

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/data" "$tmp/run" "$tmp/config" "$tmp/cache" "$tmp/xano-mcp-home"
chmod 700 "$tmp/run"

# A fresh XDG_DATA_HOME means a fresh login keyring, so a stale one with another password cannot
# break the unlock; a private XDG_RUNTIME_DIR and no GNOME_KEYRING_CONTROL keep
# gnome-keyring-daemon from handing the unlock to a daemon already running for this user.
export XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run" XDG_CONFIG_HOME="$tmp/config"
export XDG_CACHE_HOME="$tmp/cache" XANO_MCP_HOME="$tmp/xano-mcp-home" VAULT_KEYRING_TEST=1
unset GNOME_KEYRING_CONTROL DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS XANO_TOKEN
log="$tmp/test.log"

echo "==> running the keychain test on a private session bus"
status=0
dbus-run-session -- sh -c '
  set -e
  # Start the Secret Service and unlock (creating) the login keyring with a throwaway password.
  # "Failed to set fd limit" is a harmless warning when run as root in a container.
  printf %s throwaway-test-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  cargo test -p vault -- --ignored --test-threads=1 --nocapture
  XANO_MCP_KEYRING_TEST=1 cargo test -p xano-mcp --test setup -- --ignored --test-threads=1
' >"$log" 2>&1 || status=$?
cat "$log"

if [ "$status" -ne 0 ]; then
  echo "error: the keyring test failed (exit $status)" >&2
  exit 1
fi
# A run that skipped or filtered the test out must not look like a pass.
if ! grep -q "real keychain round trip: ok" "$log"; then
  echo "error: the real keychain test did not run to its end" >&2
  exit 1
fi
echo "keyring test passed: stored, read from a second process, no clear copy on disk, deleted"
