#!/usr/bin/env bash
# Installs everything Damage Review needs to build, run and test on Debian 12.
# Idempotent: re-running only installs what is missing.
set -euo pipefail

packages=(
  # build
  build-essential meson ninja-build pkg-config gettext clang libclang-rt-14-dev
  # engine
  libopenblas-dev
  # store: images, database, JSON
  libglib2.0-dev libsqlite3-dev sqlite3 libjpeg62-turbo-dev libpng-dev libwebp-dev libexif-dev
  libjson-glib-dev
  # app; a Hangul font so the Korean translation (the original users') is readable
  libgtk-4-dev libadwaita-1-dev fonts-nanum
  # desktop integration checks
  desktop-file-utils appstream libglib2.0-bin shared-mime-info python3-yaml
  # SVG loader for icons (only a Recommends of GTK, so absent with --no-install-recommends)
  librsvg2-common
  # oracles and GUI tests
  python3 python3-numpy python3-torch python3-torchvision python3-opencv python3-pil
  xvfb xauth imagemagick dbus-x11 at-spi2-core
  # benchmark peer: build-aux/bench-vs-pytorch.py installs onnxruntime-node with npm
  nodejs npm
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
