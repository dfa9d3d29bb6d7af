#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Install what is missing, then configure and build in BUILD (default: build).
set -eu
cd "$(dirname "$0")/.."
build=${BUILD:-build}

sh scripts/bootstrap.sh
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" ${MESON_ARGS:-} >&2
fi
ninja -C "$build" >&2
