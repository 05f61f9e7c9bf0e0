#!/usr/bin/env bash
# Install Desk for the current user on a Debian/Ubuntu workstation:
# a private virtual environment, the `desk` command and a menu entry.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
prefix="${DESK_PREFIX:-$HOME/.local/share/desk-app}"
python3 -m venv "$prefix" || { echo "Install python3-venv first: sudo apt-get install -y python3-venv"; exit 1; }
"$prefix/bin/pip" install -q --upgrade pip
"$prefix/bin/pip" install -q "$here"
mkdir -p "$HOME/.local/bin" "$HOME/.local/share/applications"
ln -sf "$prefix/bin/desk" "$HOME/.local/bin/desk"
install -m 644 "$here/packaging/desk.desktop" "$HOME/.local/share/applications/desk.desktop"
echo "Installed: run 'desk' or pick Desk from the applications menu."
