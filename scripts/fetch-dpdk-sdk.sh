#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Debian's libdpdk-dev does not ship the driver SDK headers (ethdev_driver.h
# and friends). Take them from Debian's own source package of the installed
# version and extract only those headers into OUTDIR. Nothing of DPDK is
# committed to this repository; OUTDIR lives in the build tree.
#
# usage: fetch-dpdk-sdk.sh OUTDIR
set -eu

out=${1:?usage: fetch-dpdk-sdk.sh OUTDIR}
headers="lib/ethdev/ethdev_driver.h lib/ethdev/ethdev_vdev.h
lib/ethdev/ethdev_pci.h drivers/bus/vdev/bus_vdev_driver.h
lib/eal/include/bus_driver.h lib/eal/include/dev_driver.h"

debver=$(dpkg-query -W -f='${Version}' libdpdk-dev 2>/dev/null || true)
if [ -z "$debver" ]; then
	echo "fetch-dpdk-sdk: libdpdk-dev is not installed (run scripts/bootstrap.sh)" >&2
	exit 1
fi
if [ -f "$out/.version" ] && [ "$(cat "$out/.version")" = "$debver" ]; then
	exit 0
fi

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"

cache=${MANAFO_SDK_CACHE:-$HOME/.cache/manafo}
mkdir -p "$cache" "$out"
orig=$(ls "$cache"/dpdk_*.orig.tar.* 2>/dev/null | head -n 1 || true)
if [ -z "$orig" ] || [ "$(cat "$cache/.version" 2>/dev/null)" != "$debver" ]; then
	rm -f "$cache"/dpdk_*
	if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ &&
	   ! grep -qs '^deb-src' /etc/apt/sources.list; then
		echo "fetch-dpdk-sdk: adding a deb-src entry for Debian's archive" >&2
		$sudo sh -c 'sed "s/^Types: deb$/Types: deb-src/" \
			/etc/apt/sources.list.d/debian.sources \
			> /etc/apt/sources.list.d/manafo-deb-src.sources'
		$sudo apt-get update -qq
	fi
	(cd "$cache" && apt-get source --download-only -qq "dpdk=$debver") >&2
	echo "$debver" > "$cache/.version"
	orig=$(ls "$cache"/dpdk_*.orig.tar.* | head -n 1)
fi

top=$(tar -tf "$orig" | head -n 1 | cut -d/ -f1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
members=""
for h in $headers; do
	members="$members $top/$h"
done
# shellcheck disable=SC2086
tar -xf "$orig" -C "$tmp" $members
for h in $headers; do
	cp "$tmp/$top/$h" "$out/"
done
echo "$debver" > "$out/.version"
echo "fetch-dpdk-sdk: driver SDK headers of DPDK $debver in $out" >&2
