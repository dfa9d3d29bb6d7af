#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The manafo authors
#
# Instructions per forwarded packet of each variant, under callgrind.
#
# Each variant runs twice in fixed-count mode (N1 then N2 packets).
# callgrind counts only inside fwd_count() (--toggle-collect), the loop
# itself, so EAL start-up, the control threads and the exit stay out; the
# difference (Ir(N2) - Ir(N1)) / (N2 - N1) also cancels what the loop pays
# once (first-touch, the last partial burst). The counts are exact:
# the same binary and arguments give the same figure on every run.
#
# usage: bench/ipp.sh [--bench PATH] [--burst N] [--n1 N] [--n2 N]
#                     [--variants LIST] [--annotate VARIANT] [--keep DIR]
#                     [-j JOBS] [-- EAL options]

set -eu

die() { echo "ipp.sh: $*" >&2; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
bench=${BENCH:-}
burst=32
n1=200000
n2=1200000
variants=direct,manafo,manafo-cas,manafo-memb,failsafe,bonding
annotate=
keep=
jobs=2

while [ $# -gt 0 ]; do
	case $1 in
	--bench) bench=$2; shift 2 ;;
	--burst) burst=$2; shift 2 ;;
	--n1) n1=$2; shift 2 ;;
	--n2) n2=$2; shift 2 ;;
	--variants) variants=$2; shift 2 ;;
	--annotate) annotate=$2; shift 2 ;;
	--keep) keep=$2; shift 2 ;;
	-j) jobs=$2; shift 2 ;;
	--) shift; break ;;
	-h|--help) sed -n '5,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown option $1" ;;
	esac
done
[ "$n2" -gt "$n1" ] || die "--n2 must be larger than --n1"
# EAL options for every run (words without blanks: plain sh has no arrays).
eal_extra="$*"

if [ -z "$bench" ]; then
	# The most recently built manafo-bench of any build directory.
	bench=$(ls -t "$repo"/build*/bench/manafo-bench 2>/dev/null | head -n 1) || true
fi
[ -n "$bench" ] && [ -x "$bench" ] || die "no manafo-bench: build it or pass --bench"
command -v valgrind >/dev/null || die "valgrind is not installed"

if [ -n "$keep" ]; then
	mkdir -p "$keep"
	out=$keep
else
	out=$(mktemp -d /tmp/manafo-ipp.XXXXXX)
	trap 'rm -rf "$out"' EXIT
fi

# One callgrind run: the main thread's total Ir inside fwd_count.
# --iova-mode=va: without hugepages there are no physical addresses anyway,
# and it spares EAL probing /proc/self/pagemap under valgrind.
run() { # variant packets
	f=$out/cg.$1.$2
	# shellcheck disable=SC2086 # $eal_extra: one word per EAL option
	if ! valgrind --tool=callgrind --callgrind-out-file="$f" \
			--toggle-collect=fwd_count --dump-instr=no \
			"$bench" --variants "$1" --burst "$burst" --packets "$2" \
			-- --iova-mode=va $eal_extra >"$f.log" 2>&1; then
		echo "ipp.sh: $1 with $2 packets failed, see below" >&2
		tail -n 20 "$f.log" >&2
		return 1
	fi
	grep -q "^$1 *packets $2 " "$f.log" || { tail -n 20 "$f.log" >&2; return 1; }
}

start=$(date +%s)
list=$(echo "$variants" | tr ',' ' ')
pids=
n=0
for v in $list; do
	for p in $n1 $n2; do
		run "$v" "$p" &
		pids="$pids $!"
		n=$((n + 1))
		# Instruction counts do not depend on the load: run $jobs at once.
		if [ $((n % jobs)) -eq 0 ]; then
			for pid in $pids; do wait "$pid" || die "a callgrind run failed"; done
			pids=
		fi
	done
done
for pid in $pids; do wait "$pid" || die "a callgrind run failed"; done

ir() { # file -> total Ir
	awk '/^totals:/ { print $2; exit }' "$1"
}

echo "instructions per packet, burst $burst, (Ir($n2) - Ir($n1)) / $((n2 - n1))"
printf '%-12s %14s %14s %10s %10s\n' variant "Ir($n1)" "Ir($n2)" ipp "vs direct"
direct=
for v in $list; do
	i1=$(ir "$out/cg.$v.$n1")
	i2=$(ir "$out/cg.$v.$n2")
	[ -n "$i1" ] && [ -n "$i2" ] || die "no totals for $v"
	ipp=$(awk -v a="$i1" -v b="$i2" -v d="$((n2 - n1))" \
		'BEGIN { printf "%.3f", (b - a) / d }')
	[ "$v" = direct ] && direct=$ipp
	if [ -n "$direct" ]; then
		delta=$(awk -v x="$ipp" -v y="$direct" 'BEGIN { printf "%+.3f", x - y }')
	else
		delta=-
	fi
	printf '%-12s %14s %14s %10s %10s\n' "$v" "$i1" "$i2" "$ipp" "$delta"
done
echo "($(( $(date +%s) - start )) s, valgrind $(valgrind --version | sed 's/valgrind-//'))"

# Per-function cost of one variant in instructions per packet, over the
# N2 run: the toggle keeps start-up out; the once-only part of the loop is
# negligible at that size. Names need symbols: build with -Dc_args=-g for
# manafo's lines (README.md); Debian's plugins are stripped (addresses).
if [ -n "$annotate" ]; then
	f=$out/cg.$annotate.$n2
	[ -f "$f" ] || die "--annotate $annotate: that variant was not run"
	fns() { # inclusive=yes|no -> "Ir<TAB>function"
		callgrind_annotate --auto=no --inclusive="$1" --threshold=100 "$f" 2>/dev/null |
			awk '$1 ~ /^[0-9,]+$/ && $2 == "(" || $1 ~ /^[0-9,]+$/ && $2 ~ /^\(/ {
				x = $1; gsub(",", "", x)
				sub(/^ *[0-9,]+ +\( *[0-9.]+%\) +/, "")
				if ($0 != "PROGRAM TOTALS")
					print x "\t" $0
			}'
	}
	fns no >"$out/self.txt"
	fns yes >"$out/incl.txt"
	echo
	echo "$annotate: instructions per packet by function ($n2 packets, burst $burst)"
	printf '%10s %10s  %s\n' inclusive self function
	awk -F '\t' -v n="$n2" '
		NR == FNR { self[$2] = $1; next }
		$1 / n >= 0.01 { printf "%10.3f %10.3f  %s\n", $1 / n, self[$2] / n, $2 }
	' "$out/self.txt" "$out/incl.txt"
fi
