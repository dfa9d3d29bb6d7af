#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Reliability gates (devtools/RELIABILITY.md), self-contained for CI (root,
# Debian 12, 2 cores). Prints one line per gate and, last, "N passed, N failed".
#
#  1. clang build, -Db_sanitize=address,undefined: zero warnings with the
#     project's -Wthread-safety -Werror (the thread-safety analysis gate);
#  2. the manafo and manasim suites in that build (memcheck ones excluded),
#     ASan + UBSan + LSan halting on the first report;
#  3. long runs in that build: a 10,000-event storm, 1,000 VF removal/return
#     cycles, 200 create/destroy cycles;
#  4. libFuzzer on the devargs parser for FUZZ_SECONDS; a crash input is
#     copied to drivers/net/manafo/tests/fuzz/regressions/args/ (commit it);
#  5. clang -fsanitize=thread build of the storm test, a 200-event storm
#     with 2 forwarding lcores and the deterministic "races" scenarios;
#     devtools/tsan.supp holds DPDK-internal entries only.
#
# Environment: ASAN_BUILD (build-asan), TSAN_BUILD (build-tsan), LOGDIR
# (<ASAN_BUILD>/sanitizer-logs), STORM_SEED (1), STORM_EVENTS (10000),
# CHURN_CYCLES (1000), LIFECYCLE_CYCLES (200), FUZZ_SECONDS (60),
# TSAN_SEED (1), TSAN_EVENTS (200), GATES (all: "tsa asan long fuzz tsan").
# Build directories must not sit under a world-writable directory such as
# /tmp: DPDK refuses to load the -d plugins of the testpmd tests from there.
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)

ASAN_BUILD=${ASAN_BUILD:-build-asan}
TSAN_BUILD=${TSAN_BUILD:-build-tsan}
LOGDIR=${LOGDIR:-$ASAN_BUILD/sanitizer-logs}
STORM_SEED=${STORM_SEED:-1}
STORM_EVENTS=${STORM_EVENTS:-10000}
CHURN_CYCLES=${CHURN_CYCLES:-1000}
LIFECYCLE_CYCLES=${LIFECYCLE_CYCLES:-200}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
TSAN_SEED=${TSAN_SEED:-1}
TSAN_EVENTS=${TSAN_EVENTS:-200}
GATES=${GATES:-tsa asan long fuzz tsan}

passed=0
failed=0
summary=""
t_start=$(date +%s)

# ---- packages --------------------------------------------------------------
# scripts/bootstrap.sh installs the toolchain; the sanitizer runtimes and
# libFuzzer of clang are in libclang-rt-14-dev, llvm-symbolizer in llvm.
sh scripts/bootstrap.sh
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
missing=""
for p in clang libclang-rt-14-dev llvm; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "run-sanitizers: installing$missing" >&2
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >&2
fi

mkdir -p "$LOGDIR"
LOGDIR=$(cd "$LOGDIR" && pwd)
SYMBOLIZER=$(command -v llvm-symbolizer || command -v llvm-symbolizer-14 || true)
export ASAN_SYMBOLIZER_PATH="$SYMBOLIZER" TSAN_SYMBOLIZER_PATH="$SYMBOLIZER"
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0"
export LSAN_OPTIONS="suppressions=$ROOT/devtools/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

gate_on() {
	case " $GATES " in *" $1 "*) return 0 ;; esac
	return 1
}

# step NAME COMMAND...: runs COMMAND, logs to $LOGDIR/NAME.log, records the result.
step() {
	name=$1
	shift
	t0=$(date +%s)
	printf '%-28s ' "$name"
	if "$@" > "$LOGDIR/$name.log" 2>&1; then
		res=PASS
		passed=$((passed + 1))
	else
		res=FAIL
		failed=$((failed + 1))
	fi
	t=$(( $(date +%s) - t0 ))
	printf '%s (%ss)%s\n' "$res" "$t" "$( [ $res = FAIL ] && echo ": $LOGDIR/$name.log")"
	summary="$summary$res $name ${t}s
"
	if [ $res = FAIL ]; then
		grep -E "^FAIL|ERROR: |runtime error|SUMMARY: |STALL|warning: |error: " \
			"$LOGDIR/$name.log" | head -n 20 | sed 's/^/    /'
	fi
}

# A clang build directory: set up, reconfigured, or wiped if it was gcc's.
setup() {
	dir=$1
	shift
	if grep -qs '^ command = clang ' "$dir/build.ninja"; then
		meson configure "$dir" "$@"
	elif [ -f "$dir/build.ninja" ]; then
		CC=clang meson setup --wipe "$dir" "$@"
	else
		CC=clang meson setup "$dir" "$@"
	fi
}

# ---- 1. clang ASan+UBSan build: also the -Wthread-safety -Werror gate -------
build_asan() {
	setup "$ASAN_BUILD" -Dbuildtype=debugoptimized \
		-Db_sanitize=address,undefined -Db_lundef=false || return 1
	# -k 0: a failure elsewhere still leaves the drivers' tests to run.
	ninja -C "$ASAN_BUILD" -k 0
	rc=$?
	if grep -q "warning: " "$LOGDIR/tsa-asan-build.log"; then
		echo "clang warnings (-Werror should have made them errors):"
		grep "warning: " "$LOGDIR/tsa-asan-build.log"
		return 1
	fi
	return $rc
}

# ---- 2. the manafo and manasim suites under ASan+UBSan+LSan -----------------
# Tests that run a compiled test program get the sanitizers linked in; the
# python ones start the uninstrumented dpdk-testpmd with an instrumented
# plugin, which needs clang's shared ASan runtime preloaded (and no leak
# check: the interpreter's own memory is not ours).
list_tests() {
	kind=$1
	meson introspect --tests "$ASAN_BUILD" | python3 -c '
import json, os, sys
kind = sys.argv[1]
for t in json.load(sys.stdin):
    suites = [s.split(":")[-1] for s in t["suite"]]
    if not ({"manafo", "manasim"} & set(suites)) or "memcheck" in suites:
        continue
    prog = os.path.basename(t["cmd"][0])
    if prog.startswith("valgrind"):
        continue
    native = os.path.realpath(t["cmd"][0]).startswith(os.path.realpath(sys.argv[2]))
    if (kind == "native") == native:
        print(t["name"])
' "$kind" "$ASAN_BUILD"
}

test_asan_native() {
	# shellcheck disable=SC2046
	meson test -C "$ASAN_BUILD" --no-rebuild --print-errorlogs --num-processes 1 \
		--timeout-multiplier 3 $(list_tests native)
}

test_asan_preload() {
	tests=$(list_tests preload)
	[ -n "$tests" ] || return 0
	# shellcheck disable=SC2086
	LD_PRELOAD=$(clang -print-file-name=libclang_rt.asan-x86_64.so) \
	ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0:verify_asan_link_order=0" \
		meson test -C "$ASAN_BUILD" --no-rebuild --print-errorlogs --num-processes 1 \
		--timeout-multiplier 3 $tests
}

# ---- 3. long runs -------------------------------------------------------------
STORM=$ASAN_BUILD/drivers/net/manafo/tests/manafo-test-storm
storm_eal() {
	echo "--no-huge -m 512 --no-pci --lcores 0@0,1@1,2@1 --file-prefix ${1}_$$" \
		"--log-level=pmd.net.manafo:warning --log-level=pmd.net.manasim:warning"
}

long_storm() {
	# shellcheck disable=SC2046
	"$STORM" $(storm_eal san_storm) -- storm --seed "$STORM_SEED" --events "$STORM_EVENTS"
}

long_churn() {
	# shellcheck disable=SC2046
	"$STORM" $(storm_eal san_churn) -- churn --cycles "$CHURN_CYCLES"
}

long_lifecycle() {
	# shellcheck disable=SC2046
	"$STORM" $(storm_eal san_lifecycle) -- lifecycle --cycles "$LIFECYCLE_CYCLES"
}

# ---- 4. libFuzzer on the devargs parser ----------------------------------------
FUZZ_SRC=drivers/net/manafo/tests/fuzz
fuzz_args() {
	fuzzer=$ASAN_BUILD/$FUZZ_SRC/manafo-fuzz-args
	work=$LOGDIR/fuzz-corpus
	[ -x "$fuzzer" ] || { echo "no $fuzzer (is this a clang build?)"; return 1; }
	rm -f "$LOGDIR"/fuzz-crash-* "$LOGDIR"/fuzz-leak-* "$LOGDIR"/fuzz-timeout-* \
		"$LOGDIR"/fuzz-oom-*
	mkdir -p "$work"
	# The committed corpus is read only: new inputs go to $work.
	"$fuzzer" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=1024 \
		-dict="$FUZZ_SRC/args.dict" -print_final_stats=1 \
		-artifact_prefix="$LOGDIR/fuzz-" "$work" "$FUZZ_SRC/corpus/args" \
		"$FUZZ_SRC/regressions/args"
	rc=$?
	found=0
	for f in "$LOGDIR"/fuzz-crash-* "$LOGDIR"/fuzz-leak-* "$LOGDIR"/fuzz-timeout-* \
		 "$LOGDIR"/fuzz-oom-*; do
		[ -f "$f" ] || continue
		cp "$f" "$FUZZ_SRC/regressions/args/$(basename "$f" | sed 's/^fuzz-//')"
		echo "FAIL: $f copied to $FUZZ_SRC/regressions/args/: commit it with the fix"
		found=1
	done
	[ $rc = 0 ] && [ $found = 0 ]
}

# ---- 5. ThreadSanitizer ----------------------------------------------------------
# RTE_USE_C11_MEM_MODEL / RTE_FORCE_INTRINSICS: DPDK's inline ring and
# spinlock code in C11 atomics instead of x86 assembly TSan cannot see.
build_tsan() {
	setup "$TSAN_BUILD" -Dbuildtype=debugoptimized -Db_sanitize=thread \
		-Db_lundef=false "-Dc_args=-DRTE_USE_C11_MEM_MODEL -DRTE_FORCE_INTRINSICS" ||
		return 1
	ninja -C "$TSAN_BUILD" drivers/net/manafo/tests/manafo-test-storm
}

export TSAN_OPTIONS="halt_on_error=0 exitcode=66 history_size=4 second_deadlock_stack=1 suppressions=$ROOT/devtools/tsan.supp"

tsan_storm() {
	# shellcheck disable=SC2046
	"$TSAN_BUILD/drivers/net/manafo/tests/manafo-test-storm" $(storm_eal san_tsan) \
		-- storm --seed "$TSAN_SEED" --events "$TSAN_EVENTS"
	rc=$?
	n=$(grep -c "WARNING: ThreadSanitizer" "$LOGDIR/tsan-storm.log")
	echo "ThreadSanitizer reports: $n"
	[ $rc = 0 ] && [ "$n" = 0 ]
}

tsan_races() {
	# shellcheck disable=SC2046
	"$TSAN_BUILD/drivers/net/manafo/tests/manafo-test-storm" $(storm_eal san_races) -- races
	rc=$?
	n=$(grep -c "WARNING: ThreadSanitizer" "$LOGDIR/tsan-races.log")
	echo "ThreadSanitizer reports: $n"
	[ $rc = 0 ] && [ "$n" = 0 ]
}

if gate_on tsa || gate_on asan || gate_on long || gate_on fuzz; then
	step tsa-asan-build build_asan
fi
if gate_on asan; then
	step asan-tests test_asan_native
	step asan-tests-testpmd test_asan_preload
fi
if gate_on long; then
	step asan-storm-"$STORM_EVENTS" long_storm
	step asan-churn-"$CHURN_CYCLES" long_churn
	step asan-lifecycle-"$LIFECYCLE_CYCLES" long_lifecycle
fi
if gate_on fuzz; then
	step fuzz-args-"$FUZZ_SECONDS"s fuzz_args
fi
if gate_on tsan; then
	step tsan-build build_tsan
	step tsan-storm tsan_storm
	step tsan-races tsan_races
fi

# Figures for devtools/RELIABILITY.md.
echo "--"
for f in "$LOGDIR"/asan-storm-*.log "$LOGDIR"/tsan-storm.log; do
	[ -f "$f" ] && grep -h -A5 "storm figures" "$f" | head -n 6
done
for f in "$LOGDIR"/asan-churn-*.log "$LOGDIR"/asan-lifecycle-*.log; do
	[ -f "$f" ] && grep -h -E "cycles.*in [0-9]+ ms" "$f"
done
[ -f "$LOGDIR/fuzz-args-${FUZZ_SECONDS}s.log" ] &&
	grep -h -E "stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added" \
		"$LOGDIR/fuzz-args-${FUZZ_SECONDS}s.log"
echo "total $(( $(date +%s) - t_start ))s; logs in $LOGDIR"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
