#!/usr/bin/env bash
# Installs what Damage Review needs on Debian 12. Idempotent: re-running only installs what
# is missing.
#   install-deps.sh run   what building, installing into a prefix and running the app need
#                         (build-aux/run.sh)
#   install-deps.sh test  that plus the test suite's oracles and tools (build-aux/test.sh)
set -euo pipefail

run_packages=(
  # build
  build-essential meson ninja-build pkg-config gettext
  # engine
  libopenblas-dev
  # store: images, database, JSON
  libglib2.0-dev libsqlite3-dev libjpeg62-turbo-dev libpng-dev libwebp-dev libexif-dev
  libjson-glib-dev
  # team projects on PostgreSQL: the client library
  libpq-dev
  # app; a Hangul font so the Korean translation (the original users') is readable
  libgtk-4-dev libadwaita-1-dev fonts-nanum
  # team project passwords remembered in the GNOME keyring
  libsecret-1-dev
  # install steps of the schema, icons, desktop entry and MIME type (gnome.post_install)
  libglib2.0-bin gtk-update-icon-cache desktop-file-utils shared-mime-info
  # SVG loader for icons (only a Recommends of GTK, so absent with --no-install-recommends)
  librsvg2-common
)

test_packages=(
  # AddressSanitizer/UBSan runtime and the fuzzers
  clang libclang-rt-14-dev
  # database oracle
  sqlite3
  # desktop integration checks
  appstream python3-yaml
  # PyTorch/OpenCV oracles
  python3 python3-numpy python3-torch python3-torchvision python3-opencv python3-pil
  # GUI tests: virtual display, input, screenshots, session bus
  xvfb xauth xdotool imagemagick dbus-daemon dbus-x11 at-spi2-core
  # the fresh-clone run test: a clone of the repository, a cached release build
  git ccache
  # claim report checks: pdftotext, pdftoppm, pdfinfo
  poppler-utils
  # team project tests: a throw-away PostgreSQL server (pg_virtualenv) and psql as the oracle
  postgresql postgresql-common postgresql-client
  # team login test: a private GNOME keyring, and secret-tool as the independent client
  gnome-keyring libsecret-tools
  # network-partition test: a network namespace (unshare) whose loopback link it takes down
  util-linux iproute2
)

case "${1:-test}" in
  run) packages=("${run_packages[@]}") ;;
  test) packages=("${run_packages[@]}" "${test_packages[@]}") ;;
  *) echo "usage: install-deps.sh [run|test]" >&2; exit 2 ;;
esac

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
