#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The manafo authors
"""Smoke test of manafo-bench: it must run every variant and exit 0.

Not a performance check: the figures depend on the machine and its load,
so only the presence of a result line per variant is asserted.
"""

import subprocess
import sys

VARIANTS = ["direct", "manafo", "manafo-cas", "failsafe", "bonding"]


def main():
    bench = sys.argv[1]
    cmd = [bench, "--rounds", "1", "--time-ms", "50", "--burst", "32",
           "--variants", ",".join(VARIANTS)]
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, timeout=100, check=False)
    print(res.stdout)
    if res.returncode != 0:
        print(f"FAIL: {' '.join(cmd)} exited {res.returncode}")
        return 1
    # The summary table: one line per variant starting with its name.
    rows = {line.split()[0] for line in res.stdout.splitlines()
            if line.split() and line.split()[0] in VARIANTS and "round" not in line}
    missing = [v for v in VARIANTS if v not in rows]
    if missing:
        print(f"FAIL: no result for {', '.join(missing)}")
        return 1
    print("OK: all variants ran")
    return 0


if __name__ == "__main__":
    sys.exit(main())
