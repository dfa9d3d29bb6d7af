#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# The main job: build, then run the default service-event drill over the
# simulator (resets of each outcome, removal and return, TX hangs, link
# flaps, control calls during a reset) against net_manafo, net_failsafe and
# net_bonding mode 1, and print the report. Extra arguments go to the drill
# runner (see --help), e.g. --storm --seed 7 --events 500.
set -eu
cd "$(dirname "$0")/.."
build=${BUILD:-build}

sh scripts/build.sh
[ $# -gt 0 ] || set -- --default
exec "$build/app/test-failover/dpdk-test-failover" --no-huge -m 512 --no-pci \
	--file-prefix "manafo_drill_$$" --lcores 0@0,1@1,2@1 -- "$@"
