#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Run dpdk-failover-fwd over manasim with one scheduled reset for 4 s."""

import os
import re
import subprocess
import sys

app, manasim = sys.argv[1], sys.argv[2]
cmd = [app, "-d", manasim, "--no-huge", "-m", "256", "--no-pci",
       "--file-prefix", "example_fwd_%d" % os.getpid(), "-l", "0,1",
       "--vdev", "net_manafo0,vf(net_manasim_ex0,rx_source=1,reset_at_ms=1200,reset_ms=600),"
       "synth(net_null_ex0)", "--", "-t", "4"]
print(" ".join(cmd))
out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=50,
                     text=True)
print(out.stdout)
lines = re.findall(r"^tx path (\w+) .*failovers (\d+) failbacks (\d+)", out.stdout, re.M)
checks = [
    (out.returncode == 0, "exits 0 on its own after -t 4"),
    (len(lines) >= 3, "prints one status line per second (%d)" % len(lines)),
    (any(p == "vf" for p, _, _ in lines), "forwards on the VF"),
    (bool(lines) and lines[-1][1] == "1" and lines[-1][2] == "1",
     "sees the reset: 1 failover, 1 failback"),
    ("forwarded" in out.stdout, "reports what it forwarded"),
]
failed = 0
for ok, what in checks:
    print(("ok   " if ok else "FAIL ") + what)
    failed += not ok
print("%d passed, %d failed" % (len(checks) - failed, failed))
sys.exit(1 if failed else 0)
