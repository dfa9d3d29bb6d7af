#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The manafo authors
"""Smoke test of manafo-bench and manafo-react: they must run every
variant and mode, and exit 0.

Not a performance check: the figures depend on the machine and its load,
so only the presence of a result line per variant is asserted.
"""

import subprocess
import sys

VARIANTS = ["direct", "manafo", "manafo-cas", "failsafe", "bonding"]


def run(cmd, timeout=100):
    """Run a command, print its output; None when it failed."""
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, timeout=timeout, check=False)
    print(res.stdout)
    if res.returncode != 0:
        print(f"FAIL: {' '.join(cmd)} exited {res.returncode}")
        return None
    return res.stdout


def main():
    bench = sys.argv[1]
    react = sys.argv[2] if len(sys.argv) > 2 else None
    out = run([bench, "--rounds", "1", "--time-ms", "50", "--burst", "32",
               "--variants", ",".join(VARIANTS)])
    if out is None:
        return 1
    # The summary table: one line per variant starting with its name.
    rows = {line.split()[0] for line in out.splitlines()
            if line.split() and line.split()[0] in VARIANTS and "round" not in line}
    missing = [v for v in VARIANTS if v not in rows]
    if missing:
        print(f"FAIL: no result for {', '.join(missing)}")
        return 1
    # The other modes: each prints its table.
    checks = [
        ([bench, "--scale", "--rounds", "1", "--time-ms", "20"], "total(2q) / 1q"),
        ([bench, "--memory", "--rounds", "1"], "per RX queue"),
    ]
    if react:
        # Built with net_manasim: the scaling table over it as well.
        checks.append(([bench, "--scale", "--sub", "manasim", "--rounds", "1",
                        "--time-ms", "20"], "total(2q) / 1q"))
        checks.append(([react, "--reps", "1"], "RECOVERY_SUCCESS -> first packet"))
    for cmd, expect in checks:
        out = run(cmd)
        if out is None:
            return 1
        if expect not in out:
            print(f"FAIL: {' '.join(cmd)}: no \"{expect}\" in its output")
            return 1
    print("OK: all variants and modes ran")
    return 0


if __name__ == "__main__":
    sys.exit(main())
