#!/usr/bin/env bash
# Sets up what building and running need on Debian 12, builds an optimised Damage Review,
# installs it into a prefix inside the build directory and runs it from there. Nothing is
# installed system-wide, and the settings schema, the Korean catalogue and the icons are found
# the way an installed GNOME app finds them (XDG_DATA_DIRS, the compiled-in locale directory).
# Arguments are passed to damage-review (a photo, folder or project, or a subcommand); relative
# paths are relative to the directory run.sh was started from.
set -euo pipefail
caller_dir=$PWD
cd "$(dirname "$0")/.."

bash build-aux/install-deps.sh run

builddir=$(realpath -m "${BUILDDIR:-build}")
prefix=$builddir/prefix
if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" -Dbuildtype=release -Dtests=false --prefix="$prefix"
elif [ "$(meson introspect "$builddir" --buildoptions |
          python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')" != "$prefix" ]; then
  # A build directory made by an older run.sh installs into /usr/local: move it to our prefix.
  meson configure "$builddir" --prefix="$prefix"
fi
meson compile -C "$builddir"
meson install -C "$builddir" --quiet --no-rebuild

cd "$caller_dir"
export XDG_DATA_DIRS="$prefix/share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
exec "$prefix/bin/damage-review" "$@"
