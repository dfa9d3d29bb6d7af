#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# The whole test suite, from a fresh Debian 12 machine: installs what is
# missing, builds, runs `meson test`, then the reliability gates of
# scripts/run-sanitizers.sh, and prints one summary line.
# Extra arguments go to `meson test` (e.g. --suite manafo).
# MANAFO_QUICK=1 skips the reliability gates. GATES selects them (default:
# all of scripts/run-sanitizers.sh, the TSan gate included since BUG-7 and
# BUG-8 are fixed, see devtools/RELIABILITY.md).
set -eu
cd "$(dirname "$0")/.."
build=${BUILD:-build}

sh scripts/build.sh
set +e
meson test -C "$build" --print-errorlogs --num-processes 1 "$@"
rc=$?
gates_passed=0
gates_failed=0
if [ "${MANAFO_QUICK:-0}" != 1 ]; then
	GATES=${GATES:-tsa asan long fuzz tsan} sh scripts/run-sanitizers.sh > "$build/gates.log" 2>&1
	grc=$?
	cat "$build/gates.log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$build/gates.log" | tail -n 1)
	gates_passed=${line%% passed*}
	gates_failed=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	[ -n "$gates_passed" ] || gates_passed=0
	[ -n "$gates_failed" ] || gates_failed=1
	[ $grc -eq 0 ] || [ $rc -ne 0 ] || rc=$grc
fi
set -e
python3 - "$build/meson-logs/testlog.json" "$gates_passed" "$gates_failed" <<'PY'
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
ok += int(sys.argv[2])
bad += int(sys.argv[3])
print("tests: %d passed, %d failed, %d skipped" % (ok, bad, skip))
PY
exit $rc
