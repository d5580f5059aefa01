#!/usr/bin/env bash
# Sets everything up on Debian 12 and runs the whole test suite in a build with
# AddressSanitizer and UndefinedBehaviorSanitizer. Ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

bash build-aux/install-deps.sh test

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
