#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The manafo authors

"""net_manasim in dpdk-testpmd, loaded as a plugin with -d.

events:    devargs schedules play a successful and a failed reset; testpmd
           prints the events in the expected order.
telemetry: a drill is started through the telemetry socket
           (/manasim/inject,0,reset,100); testpmd prints the events and
           /manasim/info shows the reset completed.

Prints one line per check, exits 1 at the first failure.
"""

import argparse
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time

TIMEOUT = 30.0


def fail(msg):
    print(f"FAIL {msg}", flush=True)
    sys.exit(1)


def ok(msg):
    print(f"ok   {msg}", flush=True)


def runtime_dir(prefix):
    if os.geteuid() == 0:
        base = "/var/run/dpdk"
    else:
        base = os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")
    return os.path.join(base, prefix)


class Testpmd:
    """dpdk-testpmd in interactive mode, its output read by a thread."""

    def __init__(self, testpmd, pmd, prefix, vdevs):
        cmd = [testpmd, "-d", pmd, "--no-huge", "-m", "512", "--no-pci",
               "--file-prefix", prefix, "-l", "0-1"]
        for v in vdevs:
            cmd += ["--vdev", v]
        cmd += ["--", "-i", "--total-num-mbufs=16384", "--print-event", "dev_probed"]
        print("# " + " ".join(cmd), flush=True)
        # testpmd's command output is block-buffered on a pipe: line-buffer it.
        if shutil.which("stdbuf"):
            cmd = ["stdbuf", "-oL"] + cmd
        self.prefix = prefix
        self.lines = queue.Queue()
        self.log = []
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def expect(self, wanted, timeout=TIMEOUT):
        """Waits for a line containing `wanted`; returns it."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                self.dump()
                fail(f"no line containing '{wanted}' within {timeout:.0f} s")
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                self.dump()
                fail(f"testpmd exited before printing '{wanted}'")
            self.log.append(line)
            if wanted in line:
                return line

    def send(self, cmd):
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()

    def dump(self):
        print("# testpmd output so far:")
        for line in self.log[-40:]:
            print("#   " + line)

    def quit(self):
        if self.proc.poll() is None:
            try:
                self.send("quit")
                self.proc.wait(timeout=TIMEOUT)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(runtime_dir(self.prefix), ignore_errors=True)
        return self.proc.returncode


def test_events(args):
    vdevs = ["net_manasim0,reset_at_ms=300,reset_ms=200,outcome=success",
             "net_manasim1,reset_at_ms=300,reset_ms=200,outcome=failed"]
    tp = Testpmd(args.testpmd, args.pmd, f"manasim_tp_{os.getpid()}", vdevs)
    try:
        tp.expect("Checking link statuses")
        ok("testpmd started with two manasim ports (loaded with -d)")
        # Ports 0 and 1 play at the same time: check each port's own order.
        seen = {0: [], 1: []}
        want = {0: ["error recovering", "device probed", "error recovery successful"],
                1: ["error recovering", "error recovery failed"]}
        end = time.monotonic() + TIMEOUT
        while seen != want:
            line = tp.expect("event", timeout=max(0.1, end - time.monotonic()))
            for port in (0, 1):
                tag = f"Port {port}: "
                if line.startswith(tag) and line.endswith(" event"):
                    seen[port].append(line[len(tag):-len(" event")])
            for port in (0, 1):
                if seen[port] != want[port][:len(seen[port])]:
                    fail(f"port {port} events {seen[port]}, expected {want[port]}")
        ok("port 0: error recovering, device probed (spurious NEW), error recovery successful")
        ok("port 1: error recovering, error recovery failed")
        tp.send("show port xstats 0")
        tp.expect("resets_completed: 1")
        ok("port 0 xstats: resets_completed 1")
        tp.send("show port xstats 1")
        tp.expect("resets_failed: 1")
        ok("port 1 xstats: resets_failed 1")
    finally:
        rc = tp.quit()
    if rc != 0:
        fail(f"testpmd exit code {rc}")
    ok("testpmd quit")


class Telemetry:
    """Client of the DPDK telemetry v2 socket."""

    def __init__(self, prefix):
        path = os.path.join(runtime_dir(prefix), "dpdk_telemetry.v2")
        end = time.monotonic() + TIMEOUT
        while not os.path.exists(path):
            if time.monotonic() > end:
                fail(f"no telemetry socket {path}")
            time.sleep(0.05)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.settimeout(TIMEOUT)
        self.sock.connect(path)
        hello = json.loads(self.sock.recv(16384).decode())
        self.max_len = hello.get("max_output_len", 16384)

    def cmd(self, text):
        self.sock.send(text.encode())
        reply = json.loads(self.sock.recv(self.max_len).decode())
        return reply[text.split(",")[0]]

    def close(self):
        self.sock.close()


def test_telemetry(args):
    prefix = f"manasim_tel_{os.getpid()}"
    tp = Testpmd(args.testpmd, args.pmd, prefix, ["net_manasim0"])
    tel = None
    try:
        tp.expect("Checking link statuses")
        tel = Telemetry(prefix)
        ok("connected to the telemetry socket")
        r = tel.cmd("/manasim/list")
        if r != [0]:
            fail(f"/manasim/list -> {r}")
        ok("/manasim/list -> [0]")
        r = tel.cmd("/manasim/inject,0,bogus")
        if r.get("accepted") != 0 or "error" not in r:
            fail(f"bad event accepted: {r}")
        ok(f"/manasim/inject,0,bogus -> error '{r['error']}'")
        r = tel.cmd("/manasim/inject,7,reset")
        if r.get("accepted") != 0:
            fail(f"inject on a missing port accepted: {r}")
        ok(f"/manasim/inject,7,reset -> error '{r['error']}'")
        r = tel.cmd("/manasim/inject,0,reset,100")
        if r.get("accepted") != 1 or r.get("port") != 0 or r.get("event") != "reset":
            fail(f"/manasim/inject,0,reset,100 -> {r}")
        ok(f"/manasim/inject,0,reset,100 -> {r}")
        tp.expect("Port 0: error recovering event")
        tp.expect("Port 0: error recovery successful event")
        ok("testpmd printed error recovering, then error recovery successful")
        end = time.monotonic() + TIMEOUT
        while True:
            info = tel.cmd("/manasim/info,0")
            if info.get("event_busy") == 0 or time.monotonic() > end:
                break
            time.sleep(0.02)
        if info.get("resets_completed") != 1 or info.get("state") != "ready":
            fail(f"/manasim/info,0 -> {info}")
        ok("/manasim/info,0 -> state ready, resets_completed 1")
    finally:
        if tel is not None:
            tel.close()
        rc = tp.quit()
    if rc != 0:
        fail(f"testpmd exit code {rc}")
    ok("testpmd quit")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("mode", choices=["events", "telemetry"])
    ap.add_argument("--testpmd", default="dpdk-testpmd")
    ap.add_argument("--pmd", required=True, help="path of librte_net_manasim.so")
    args = ap.parse_args()
    args.pmd = os.path.abspath(args.pmd)
    {"events": test_events, "telemetry": test_telemetry}[args.mode](args)
    print(f"PASS manasim testpmd {args.mode}", flush=True)


if __name__ == "__main__":
    main()
