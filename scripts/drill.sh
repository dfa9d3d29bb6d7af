#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# The main job: build, then forward traffic through a manafo port over two
# sub-devices with testpmd and print its forwarding statistics.
set -eu
cd "$(dirname "$0")/.."
build=${BUILD:-build}

sh scripts/build.sh
prefix=manafo_drill_$$
{
	echo "start"
	sleep 3
	echo "stop"
	echo "show port xstats 0"
	echo "quit"
} | dpdk-testpmd -d "$build/drivers/net/manafo/librte_net_manafo.so" \
	--no-huge -m 512 --no-pci --file-prefix "$prefix" \
	--vdev 'net_manafo0,vf(net_null0),synth(net_null1)' \
	-- -i --total-num-mbufs=16384
