#!/bin/sh
# Runs a GUI test under xvfb-run. Without xvfb-run, or with -Dgui_tests=false (DR_GUI_TESTS=0),
# the test is reported as skipped instead of being left out of the suite: exit 77, or with
# --tap first (for TAP tests, where meson counts any non-zero exit as an error) a TAP skip plan.
tap=0
if [ "${1:-}" = "--tap" ]; then
  tap=1
  shift
fi

skip() {
  echo "1..0 # SKIP $1"
  if [ $tap = 1 ]; then exit 0; else exit 77; fi
}

[ "${DR_GUI_TESTS:-1}" = 0 ] && skip "GUI tests are turned off (-Dgui_tests=false)"
command -v xvfb-run >/dev/null 2>&1 || skip "no display: xvfb-run is not installed (package xvfb)"
exec xvfb-run "$@"
