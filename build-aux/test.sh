#!/usr/bin/env bash
# Sets everything up on Debian 12 and runs the whole test suite in a build with
# AddressSanitizer and UndefinedBehaviorSanitizer. Ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

bash build-aux/install-deps.sh test

builddir=${BUILDDIR:-build-test}

# Prints the counts of the last meson test run, the line "N passed, N failed" last. A run that
# failed before any test ran (setup or build) counts as one failure.
summarize() {
  python3 - "$builddir/meson-logs/testlog.json" "$1" <<'PY'
import json, os, sys
passed = failed = skipped = 0
if not os.path.exists(sys.argv[1]):
    failed = 1 if sys.argv[2] != "0" else 0
else:
    with open(sys.argv[1]) as f:
        for line in f:
            r = json.loads(line)["result"]
            if r in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif r == "SKIP":
                skipped += 1
            else:
                failed += 1
print(f"{skipped} skipped")
print(f"{passed} passed, {failed} failed")
PY
}

# The PostgreSQL tests (suite pg) need a server. Unless one is configured (PGHOST set), run the
# whole script again inside a throw-away one: pg_virtualenv creates a temporary cluster (as root
# too, with -t), exports PGHOST/PGPORT/PGUSER/PGPASSWORD and removes the cluster afterwards.
# On failure pg_virtualenv prints the server log, so the counts are printed after it returns.
if [ -z "${PGHOST:-}" ] && [ -z "${DR_TEST_PG_VIRTUALENV:-}" ]; then
  rm -f "$builddir/meson-logs/testlog.json"
  set +e
  DR_TEST_PG_VIRTUALENV=1 pg_virtualenv -t -o max_connections=200 \
    bash "$PWD/build-aux/test.sh" "$@"
  rc=$?
  set -e
  summarize "$rc"
  exit $rc
fi

if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" -Dbuildtype=debugoptimized -Db_sanitize=address,undefined \
    -Db_lundef=false
fi
meson compile -C "$builddir"

set +e
meson test -C "$builddir" --print-errorlogs --num-processes 2 "$@"
rc=$?
set -e

# Inside pg_virtualenv the outer run prints the counts.
if [ -z "${DR_TEST_PG_VIRTUALENV:-}" ]; then
  summarize "$rc"
fi
exit $rc
