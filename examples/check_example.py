#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Run dpdk-failover-fwd over manasim.

timed (default): with one scheduled reset, for 4 s (-t 4): it exits on its
own. sigint: without -t, a SIGINT after about 2.5 s of forwarding: it
stops, prints its summary and exits 0 within a few seconds.
"""

import os
import re
import select
import signal
import subprocess
import sys
import time

app, manasim = sys.argv[1], sys.argv[2]
mode = sys.argv[3] if len(sys.argv) > 3 else "timed"
SIGINT_WITHIN_S = 5.0


def eal(name, vdev):
    return [app, "-d", manasim, "--no-huge", "-m", "256", "--no-pci",
            "--file-prefix", "example_%s_%d" % (name, os.getpid()), "-l", "0,1",
            "--vdev", vdev, "--"]


def status_lines(text):
    return re.findall(r"^tx path (\w+) .*failovers (\d+) failbacks (\d+)", text, re.M)


def run_timed():
    cmd = eal("fwd", "net_manafo0,vf(net_manasim_ex0,rx_source=1,reset_at_ms=1200,"
              "reset_ms=600),synth(net_null_ex0)") + ["-t", "4"]
    print(" ".join(cmd))
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=50,
                         text=True)
    print(out.stdout)
    lines = status_lines(out.stdout)
    return [
        (out.returncode == 0, "exits 0 on its own after -t 4"),
        (len(lines) >= 3, "prints one status line per second (%d)" % len(lines)),
        (any(p == "vf" for p, _, _ in lines), "forwards on the VF"),
        (bool(lines) and lines[-1][1] == "1" and lines[-1][2] == "1",
         "sees the reset: 1 failover, 1 failback"),
        ("forwarded" in out.stdout, "reports what it forwarded"),
    ]


def read_until(proc, pattern, seconds):
    """Output read until pattern matches, the process ends or time is up."""
    buf = ""
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + seconds
    while not re.search(pattern, buf, re.M):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buf += chunk.decode(errors="replace")
    return buf


def run_sigint():
    # No -t: only the signal ends it.
    cmd = eal("fwd_sig", "net_manafo0,vf(net_manasim_sig0,rx_source=1),synth(net_null_sig0)")
    print(" ".join(cmd))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        # The first status line comes after the handlers are in place.
        out = read_until(proc, r"^tx path ", 30)
        first = bool(status_lines(out))
        time.sleep(2.5)
        running = proc.poll() is None
        t0 = time.monotonic()
        proc.send_signal(signal.SIGINT)
        try:
            rest, _ = proc.communicate(timeout=SIGINT_WITHIN_S)
            took = time.monotonic() - t0
        except subprocess.TimeoutExpired:
            proc.kill()
            rest, _ = proc.communicate()
            took = None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    out += rest.decode(errors="replace")
    print(out)
    lines = status_lines(out)
    summary = re.search(r"^forwarded (\d+) packets; stopping$", out, re.M)
    after = out[summary.end():] if summary else ""
    return [
        (first and running, "forwards and is still running after ~2.5 s (%d status lines)"
         % len(lines)),
        (took is not None, "exits within %.0f s of SIGINT (%s)"
         % (SIGINT_WITHIN_S, "%.2f s" % took if took is not None else "killed")),
        (proc.returncode == 0, "exit status 0 after SIGINT (%s)" % proc.returncode),
        (len(lines) >= 2 and all(p == "vf" for p, _, _ in lines),
         "status lines before the signal, TX on the VF (%d)" % len(lines)),
        (summary is not None and int(summary.group(1)) > 0,
         "prints its summary: forwarded %s packets; stopping"
         % (summary.group(1) if summary else "-")),
        (summary is not None and not status_lines(after),
         "the summary is the last status output"),
    ]


def main():
    checks = run_sigint() if mode == "sigint" else run_timed()
    failed = 0
    for ok, what in checks:
        print(("ok   " if ok else "FAIL ") + what)
        failed += not ok
    print("%d passed, %d failed" % (len(checks) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
