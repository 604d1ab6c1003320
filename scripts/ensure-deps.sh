#!/usr/bin/env bash
# Installs what Hookdesk needs, only what is missing, so a second run takes a second.
#   scripts/ensure-deps.sh run    build and run the app
#   scripts/ensure-deps.sh test   the same, plus Xvfb, WebDriver, a keyring and test modules
#   scripts/ensure-deps.sh bench  the same as test (the footprint benchmark drives the window)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

command -v cargo >/dev/null || die "Rust is not installed: get it from https://rustup.rs, then run this again."
command -v node >/dev/null && command -v npm >/dev/null || die "Node.js 20+ and npm are not installed: install them, then run this again."
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node.js $node_major is too old: Hookdesk's UI needs Node.js 20 or newer."

# Debian packages: WebKitGTK and friends to build and run; Xvfb, WebKitWebDriver, xclip and
# gnome-keyring for the end-to-end tests; dbus-daemon and dbus-send for the tests that stop
# and start a keyring of their own.
packages=(libwebkit2gtk-4.1-dev build-essential pkg-config libssl-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev)
if [ "$mode" != run ]; then
  packages+=(xvfb xauth webkit2gtk-driver xclip gnome-keyring dbus-x11 dbus-daemon dbus-bin imagemagick openssl python3-venv iproute2 util-linux)
  # A throwaway PostgreSQL server for the team-mode store tests (scripts/test-env.sh --postgres).
  packages+=(postgresql postgresql-client)
fi
if command -v dpkg-query >/dev/null; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  say "Not a Debian-like system: install the equivalents of ${packages[*]} yourself (see README)."
fi

if [ "$mode" != run ]; then
  for c in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c"
  done
fi

# npm modules, reinstalled only when the lock file is newer than the installed tree.
npm_ci() {
  local dir=$1
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "Installing npm modules in $dir"
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  fi
}
npm_ci ui
if [ "$mode" != run ]; then
  npm_ci tests/e2e
  if ! command -v tauri-driver >/dev/null; then
    say "Installing tauri-driver"
    cargo install tauri-driver --locked --version '^2' --quiet
  fi
fi

# Schemathesis (the OpenAPI fuzzer of `make fuzz`) from PyPI, in a virtualenv of the project's
# own, reinstalled only when tests/api/requirements.txt changes.
if [ "$mode" != run ]; then
  if [ ! -x .venv-test/bin/st ] || [ tests/api/requirements.txt -nt .venv-test/.installed ]; then
    say "Installing Schemathesis into .venv-test"
    python3 -m venv .venv-test
    .venv-test/bin/pip install --quiet --disable-pip-version-check -r tests/api/requirements.txt
    touch .venv-test/.installed
  fi
fi
