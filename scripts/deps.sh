#!/usr/bin/env bash
# Installs what Hearth needs to build, run and test, and only what is missing: quiet when all is
# there, so `make run` and `make test` can call it every time.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'deps: %s\n' "$*"; }
die() { printf 'deps: %s\n' "$*" >&2; exit 1; }

# Debian/Ubuntu packages: the WebKitGTK/GTK stack Tauri builds on, the tray (Ayatana), the test
# tools (Xvfb, a session bus, WebKitWebDriver, Chromium), the servers the tests start (Redis) and
# the load generator of hearth-proxy's benchmark against oidc-provider (wrk), and Python's venv
# (scripts/test.sh installs schemathesis from PyPI in one).
packages=(
  build-essential pkg-config
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev
  xvfb xauth dbus-x11 xdg-utils desktop-file-utils webkit2gtk-driver chromium redis-server
  gnome-keyring libglib2.0-bin libarchive-tools
  wrk python3-venv
)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  command -v apt-get >/dev/null 2>&1 ||
    die "missing ${missing[*]}, and there is no apt-get here: install them with your package manager."
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null ||
      die "missing ${missing[*]}: run 'make deps' as root (or with passwordless sudo) to install them."
    sudo=(sudo)
  fi
  say "installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Rust comes from rustup, which this script does not download.
command -v cargo >/dev/null 2>&1 ||
  die "cargo is missing: install Rust with rustup (https://rustup.rs), then run this again."

# Node 20.19 or later (Vite 8).
node_version=$(node --version | sed 's/^v//')
node_major=${node_version%%.*}
node_minor=$(echo "$node_version" | cut -d. -f2)
if ((node_major < 20 || (node_major == 20 && node_minor < 19))); then
  die "Node.js $node_version is too old: the UI needs 20.19 or later."
fi

# npm packages, from the committed lock files. A stamp of the lock file's hash makes a second run
# free. (In ui/package.json, @tauri-apps/api and @tauri-apps/cli follow the minor version of the
# tauri crate in Cargo.lock, which `tauri build` checks; the CLI is pinned to an exact version
# because `npm ci` accepts the lock file only if the registry has its binary for every platform.)
npm_ci() {
  local dir=$1 what=$2 stamp want
  stamp=$dir/node_modules/.hearth-lock-sha256
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing $what"
    (cd "$dir" && npm ci --no-audit --no-fund --no-update-notifier --loglevel=error >/dev/null)
    echo "$want" >"$stamp"
  fi
}
npm_ci ui "the UI's npm packages"
npm_ci tests/peers/oidc "oidc-provider, the OAuth server the peer tests run against"

# The WebDriver bridge between the tests and WebKitWebDriver.
if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ]; then
  say "installing tauri-driver"
  cargo install tauri-driver --locked --version '^2' --quiet
fi
