#!/usr/bin/env bash
# Sets everything up on Debian 12, builds an optimised Damage Review and runs it.
# Arguments are passed to damage-review (a photo, folder or project, or a subcommand).
set -euo pipefail
cd "$(dirname "$0")/.."

bash build-aux/install-deps.sh

builddir=${BUILDDIR:-build}
if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" -Dbuildtype=release -Dtests=false
fi
meson compile -C "$builddir"
exec "$builddir/src/app/damage-review" "$@"
