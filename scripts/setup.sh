#!/usr/bin/env bash
# Installs what the app and its tests need on Debian/Ubuntu: the Tauri system libraries, test tools,
# and the UI's npm packages. Safe to run again: it installs only what is missing. Rust and Node.js
# are not installed here; it stops with a message when `cargo` or `npm` is missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

apt_packages=(
  # Tauri 2 on Debian 12 / Ubuntu 22.04+ (libappindicator3-dev does not exist on Debian 12)
  libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config libgtk-3-dev
  # the keychain (Secret Service over D-Bus) and its real-backend test
  libdbus-1-dev gnome-keyring dbus dbus-user-session
  # the test command: the tauri gate's JSON filter and the Python virtualenvs (python-client-test.sh
  # runs before e2e.sh, which used to be the only script installing python3-venv)
  python3 python3-venv
)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing system packages: ${missing[*]}"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "error: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo_cmd="sudo"
  fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v cargo >/dev/null || { echo "error: Rust is not installed; get it from https://rustup.rs and run this again" >&2; exit 1; }
command -v npm >/dev/null || { echo "error: Node.js (20.19+ or 22.13+) and npm are not installed; install them and run this again" >&2; exit 1; }

if [ ! -d "$root/ui/node_modules" ] || [ "$root/ui/package-lock.json" -nt "$root/ui/node_modules/.package-lock.json" ]; then
  echo "==> installing UI packages (npm ci)"
  (cd "$root/ui" && npm ci --no-audit --no-fund --loglevel=error)
fi
