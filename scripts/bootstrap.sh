#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Install what manafo needs on a Debian 12 machine, when it is missing.
set -eu

pkgs="dpdk dpdk-dev libdpdk-dev meson ninja-build pkg-config gcc clang
libibverbs-dev python3 python3-sphinx iproute2 valgrind xz-utils dpkg-dev"

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "bootstrap: installing$missing" >&2
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >&2
fi
