# SPDX-License-Identifier: BSD-3-Clause
"""Drive a DPDK process in tests: testpmd over a pipe, and the telemetry socket."""

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import time

PROMPT = "testpmd> "


def unique_prefix(name):
    return "%s_%d_%d" % (name, os.getpid(), int(time.monotonic() * 1000) % 100000)


def eal_args(prefix, mem_mb=512):
    return ["--no-huge", "-m", str(mem_mb), "--no-pci", "--file-prefix", prefix]


class Telemetry:
    """A client of the DPDK telemetry v2 socket of one process."""

    def __init__(self, prefix, timeout=10.0):
        path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix
        deadline = time.monotonic() + timeout
        while not os.path.exists(path):
            if time.monotonic() > deadline:
                raise RuntimeError("no telemetry socket at " + path)
            time.sleep(0.05)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.settimeout(timeout + 60)
        self.sock.connect(path)
        self.info = json.loads(self.sock.recv(1 << 16).decode())

    def query(self, cmd):
        self.sock.send(cmd.encode())
        reply = json.loads(self.sock.recv(1 << 20).decode())
        return reply[cmd.split(",")[0]] if cmd.split(",")[0] in reply else reply

    def close(self):
        self.sock.close()


class Testpmd:
    """dpdk-testpmd in interactive mode, one command at a time."""

    def __init__(self, name, vdevs, plugins=(), app_args=(), eal_extra=(), mem_mb=512,
                 timeout=60.0):
        self.prefix = unique_prefix(name)
        cmd = ["stdbuf", "-o0", "-e0", shutil.which("dpdk-testpmd") or "dpdk-testpmd"]
        for p in plugins:
            cmd += ["-d", p]
        cmd += eal_args(self.prefix, mem_mb) + list(eal_extra)
        for v in vdevs:
            cmd += ["--vdev", v]
        cmd += ["--", "-i", "--total-num-mbufs=16384"] + list(app_args)
        self.cmdline = cmd
        self.log = ""
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self._tel = None
        self.startup = self._read_until_prompt(timeout)

    def _read_until_prompt(self, timeout):
        buf = ""
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while not buf.endswith(PROMPT):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("testpmd: no prompt within %.0f s; output:\n%s"
                                   % (timeout, self.log + buf))
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                raise RuntimeError("testpmd exited (rc %s); output:\n%s"
                                   % (self.proc.poll(), self.log + buf))
            buf += chunk.decode(errors="replace")
        self.log += buf
        return buf[:-len(PROMPT)]

    def cmd(self, line, timeout=30.0):
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()
        out = self._read_until_prompt(timeout)
        # testpmd echoes the command line first
        return out.split("\n", 1)[1] if "\n" in out else ""

    def telemetry(self, command):
        if self._tel is None:
            self._tel = Telemetry(self.prefix)
        return self._tel.query(command)

    def close(self, timeout=60.0):
        if self._tel is not None:
            self._tel.close()
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(b"quit\n")
                self.proc.stdin.flush()
                out, _ = self.proc.communicate(timeout=timeout)
                self.log += out.decode(errors="replace")
            except (subprocess.TimeoutExpired, BrokenPipeError):
                self.proc.send_signal(signal.SIGKILL)
                out, _ = self.proc.communicate()
                self.log += out.decode(errors="replace")
                raise RuntimeError("testpmd did not quit within %.0f s" % timeout)
        return self.proc.returncode


class Checker:
    """Counts checks; prints each one; ends with 'N passed, N failed'."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, cond, what):
        if cond:
            self.passed += 1
            print("ok   " + what)
        else:
            self.failed += 1
            print("FAIL " + what)
        return cond

    def equal(self, got, want, what):
        return self.check(got == want, "%s: %r (want %r)" % (what, got, want))

    def done(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0
