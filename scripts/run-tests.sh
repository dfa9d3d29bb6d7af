#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# The whole test suite, from a fresh Debian 12 machine: installs what is
# missing, builds, runs `meson test`, and prints one summary line.
# Extra arguments go to `meson test` (e.g. --suite manafo).
set -eu
cd "$(dirname "$0")/.."
build=${BUILD:-build}

sh scripts/build.sh
set +e
meson test -C "$build" --print-errorlogs --num-processes 1 "$@"
rc=$?
set -e
python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, sys
ok = bad = skip = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"):
        ok += 1
    elif r == "SKIP":
        skip += 1
    else:
        bad += 1
print("tests: %d passed, %d failed, %d skipped" % (ok, bad, skip))
PY
exit $rc
