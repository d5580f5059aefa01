#!/bin/sh
# Builds the store fuzzers with clang + libFuzzer + ASan + UBSan (the main build uses gcc,
# which has no libFuzzer).
#   build-fuzzer.sh lib  CLANG OUT.a WORKDIR BUILD_ROOT SOURCE...   store + engine → archive
#     (BUILD_ROOT/src/store holds the generated dr-pg-resources.h of the team schema migrations)
#   build-fuzzer.sh link CLANG OUT ENTRY.c ARCHIVE.a [CFLAG...]      one fuzzer
set -eu
mode=$1 clang=$2 out=$3
shift 3
pkgs="glib-2.0 gio-2.0 gobject-2.0 json-glib-1.0 sqlite3 libpq libpng libjpeg libwebp libexif openblas"
root=$(cd "$(dirname "$0")/../.." && pwd)
# Every store concept folder, as in src/store/meson.build (store_inc).
store_inc=""
for d in project masks image export labels io backend journal sqlite pg; do store_inc="$store_inc -I$root/src/store/$d"; done
cflags="-std=gnu17 -g -O1 -fno-sanitize-recover=all -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  $store_inc -I$root/src/engine $(pkg-config --cflags $pkgs)"
case $mode in
lib)
  work=$1 build_root=$2
  shift 2
  mkdir -p "$work"
  rm -f "$work"/*.o
  for src in "$@"; do echo "$src"; done | xargs -P "$(nproc)" -I{} sh -c \
    'o="$1/$(basename "$2" .c).o"; exec "$3" $4 -fsanitize=fuzzer-no-link,address,undefined \
       -DG_LOG_DOMAIN=\"dr-store\" -I"$5" -I"$5/src/store" -c "$2" -o "$o"' sh "$work" {} \
       "$clang" "$cflags" \
       "$build_root"
  rm -f "$out"
  ar rcs "$out" "$work"/*.o
  ;;
link)
  entry=$1 archive=$2
  shift 2
  exec "$clang" $cflags "$@" -fsanitize=fuzzer,address,undefined -DG_LOG_DOMAIN=\"fuzz\" \
    "$entry" "$archive" -o "$out" $(pkg-config --libs $pkgs) -lm -pthread
  ;;
esac
