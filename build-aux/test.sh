#!/usr/bin/env bash
# Sets everything up on Debian 12 and runs the whole test suite in a build with
# AddressSanitizer and UndefinedBehaviorSanitizer. Ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

bash build-aux/install-deps.sh test

# The PostgreSQL tests (suite pg) need a server. Unless one is configured (PGHOST set), run the
# whole script again inside a throw-away one: pg_virtualenv creates a temporary cluster (as root
# too, with -t), exports PGHOST/PGPORT/PGUSER/PGPASSWORD and removes the cluster afterwards.
if [ -z "${PGHOST:-}" ] && [ -z "${DR_TEST_PG_VIRTUALENV:-}" ]; then
  export DR_TEST_PG_VIRTUALENV=1
  exec pg_virtualenv -t -o max_connections=200 bash "$PWD/build-aux/test.sh" "$@"
fi

builddir=${BUILDDIR:-build-test}
if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" -Dbuildtype=debugoptimized -Db_sanitize=address,undefined \
    -Db_lundef=false
fi
meson compile -C "$builddir"

set +e
meson test -C "$builddir" --print-errorlogs --num-processes 2 "$@"
rc=$?
set -e

python3 - "$builddir/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = skipped = 0
with open(sys.argv[1]) as f:
    for line in f:
        r = json.loads(line)["result"]
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $rc
