#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A manafo port shared with secondary processes.

The primary testpmd forwards through manafo on queue 0; a secondary testpmd
forwards on queue 1 (its bursts use the atomic guard); dpdk-proc-info reads
the primary's xstats; a live drill moves TX to the synthetic path and back
while both forward; dpdk-dumpcap captures the primary's bursts on the manafo
port into a pcapng file; then, over the simulated VF, a service reset while
the secondary forwards: its bursts go to the synthetic path and back to the
VF (the VF's queues and their blocked state are shared). Secondary processes
need hugepages: the test reserves them and gives them back, and skips
(exit 77) when it cannot.

dpdk-dumpcap gets the mempool drivers that dpdk-testpmd is linked with
(Debian 12: librte_mempool_dpaa) and the PMD through LD_PRELOAD: a mempool
keeps an index into a per-process table of mempool drivers, filled in the
order the drivers were loaded, and the primary copies each captured packet
into dumpcap's pool through its own table. Without the preload, dumpcap
registers the drivers in another order than testpmd, the primary calls the
wrong driver (dpaa2) on dumpcap's pool and captures nothing (every copy
fails: "0/N" received/dropped). See doc/guides/nics/manafo.rst.
"""

import collections
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dpdk_session import Checker, Telemetry, unique_prefix  # noqa: E402

PMD = sys.argv[1]
SIM = sys.argv[2] if len(sys.argv) > 2 else None
HUGEPAGES = 512
NR = "/proc/sys/vm/nr_hugepages"


def reserve_hugepages():
    """Returns (old nr_hugepages, mounted by us) or None when impossible."""
    try:
        old = int(open(NR).read())
        if old < HUGEPAGES:
            open(NR, "w").write(str(HUGEPAGES))
        if int(open(NR).read()) < HUGEPAGES:
            open(NR, "w").write(str(old))
            return None
        mounted = False
        if "hugetlbfs" not in open("/proc/mounts").read():
            os.makedirs("/dev/hugepages", exist_ok=True)
            subprocess.run(["mount", "-t", "hugetlbfs", "nodev", "/dev/hugepages"], check=True)
            mounted = True
        return old, mounted
    except (OSError, subprocess.CalledProcessError, ValueError):
        return None


def release_hugepages(state, prefixes):
    """Removes the prefixes' hugepage files (a primary leaves its initial
    pages behind), unmounts if we mounted, restores nr_hugepages."""
    old, mounted = state
    for line in open("/proc/mounts"):
        fields = line.split()
        if fields[2] != "hugetlbfs":
            continue
        for name in os.listdir(fields[1]):
            if any(name.startswith(p + "map_") for p in prefixes):
                os.unlink(os.path.join(fields[1], name))
    if mounted:
        subprocess.run(["umount", "/dev/hugepages"], check=False)
    open(NR, "w").write(str(old))


def testpmd(prefix, proc, stdin, vf="net_null_mp0"):
    cmd = ["stdbuf", "-o0", "dpdk-testpmd", "-d", PMD, "-l", "0,1", "-m", "256", "--no-pci",
           "--file-prefix", prefix, "--proc-type", proc]
    if vf.startswith("net_manasim"):
        cmd += ["-d", SIM]
    if proc == "primary":
        cmd += ["--vdev", "net_manafo0,vf(%s),synth(net_null_mp1)" % vf]
    cmd += ["--", "-i", "--total-num-mbufs=16384", "--rxq=2", "--txq=2", "--num-procs=2",
            "--proc-id=%d" % (proc != "primary")]
    return subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def xstats_of(text):
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+): (\d+)$", text, re.M)}


def wait_for(pred, seconds):
    deadline = time.monotonic() + seconds
    while not pred() and time.monotonic() < deadline:
        time.sleep(0.05)
    return pred()


def linked_mempool_drivers(exe):
    """The mempool drivers an executable loads before EAL loads its plugins."""
    out = subprocess.run(["ldd", exe], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True).stdout
    return re.findall(r"=> (\S*/librte_mempool_\w+\.so[.\d]*) ", out)


def pcapng_summary(path):
    """Packets, their direction (1 in, 2 out) and queue counts of a pcapng file."""
    data = open(path, "rb").read()
    packets, dirs, queues = 0, collections.Counter(), collections.Counter()
    off = 0
    while off + 12 <= len(data):
        btype, blen = struct.unpack_from("<II", data, off)
        if blen < 12 or blen % 4 or off + blen > len(data):
            break
        if btype == 6:  # enhanced packet block
            packets += 1
            caplen = struct.unpack_from("<I", data, off + 20)[0]
            opt, end = off + 28 + (caplen + 3) // 4 * 4, off + blen - 4
            while opt + 4 <= end:
                code, olen = struct.unpack_from("<HH", data, opt)
                if code == 0:
                    break
                if code == 2:  # epb_flags
                    dirs[struct.unpack_from("<I", data, opt + 4)[0] & 3] += 1
                elif code == 6:  # epb_queue (DPDK)
                    queues[struct.unpack_from("<I", data, opt + 4)[0]] += 1
                opt += 4 + (olen + 3) // 4 * 4
        off += blen
    return packets, dirs, queues


class Pair:
    """A primary testpmd forwarding through manafo and a secondary on queue 1."""

    def __init__(self, prefix, vf):
        r_prim, w_prim = os.pipe()
        self.prim = testpmd(prefix, "primary", r_prim, vf=vf)
        self.wp = os.fdopen(w_prim, "w")
        self.tel = Telemetry(prefix, timeout=30)
        wait_for(lambda: self.tel.query("/manafo/info,0").get("started") == 1, 30)
        self.wp.write("start\n")
        self.wp.flush()
        r_sec, w_sec = os.pipe()
        self.sec = testpmd(prefix, "secondary", r_sec, vf=vf)
        self.ws = os.fdopen(w_sec, "w")
        time.sleep(2)
        self.ws.write("start\n")
        self.ws.flush()
        time.sleep(1)

    def stop(self):
        """Quit both; returns (secondary ok, packets it received, primary ok, xstats)."""
        self.ws.write("stop\nquit\n")
        self.ws.flush()
        sout, _ = self.sec.communicate(timeout=60)
        rx = [int(n) for n in re.findall(r"RX-packets: (\d+)", sout)]
        self.tel.close()
        self.wp.write("stop\nshow port xstats 0\nquit\n")
        self.wp.flush()
        pout, _ = self.prim.communicate(timeout=60)
        return (self.sec.returncode == 0 and bool(rx), max(rx) if rx else 0,
                self.prim.returncode == 0, xstats_of(pout))


def run(c, prefix):
    pair = Pair(prefix, "net_null_mp0")
    tel = pair.tel

    info = subprocess.run(["dpdk-proc-info", "-d", PMD, "--file-prefix", prefix, "--no-pci",
                           "--", "--xstats"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=60)
    x = xstats_of(info.stdout)
    c.check(info.returncode == 0 and x.get("tx_vf_packets", 0) > 0 and
            x.get("vf_tx_good_packets", 0) > 0,
            "dpdk-proc-info (secondary) reads the primary's xstats (tx_vf_packets %d)"
            % x.get("tx_vf_packets", 0))

    drill = tel.query("/manafo/drill,0,1000")
    c.check(drill.get("tx_synth", 0) > 0 and drill.get("tx_refused") == 0 and
            drill.get("back_on_vf") == 1,
            "live drill while two processes forward: %s" % drill)

    capture(c, pair, prefix)

    sec_ok, rx, prim_ok, px = pair.stop()
    c.check(sec_ok and rx > 0,
            "the secondary forwarded through the port (%d packets) and quit cleanly" % rx)
    c.check(prim_ok and px.get("tx_refused_packets", 1) == 0 and
            px.get("drills") == 1, "the primary quit cleanly; 1 drill, 0 refused")


def capture(c, pair, prefix):
    """dpdk-dumpcap captures the primary's RX and TX bursts on the manafo port."""
    dumpcap, exe = shutil.which("dpdk-dumpcap"), shutil.which("dpdk-testpmd")
    if dumpcap is None:
        print("skip capture: dpdk-dumpcap is not installed (Debian package dpdk)")
        return
    # What the environment preloads already comes first (the ASan runtime
    # for an ASan-built PMD, scripts/run-sanitizers.sh).
    preload = (os.environ.get("LD_PRELOAD", "").split() + linked_mempool_drivers(exe) +
               [os.path.abspath(PMD)])
    print("capture: LD_PRELOAD=%s" % " ".join(preload))
    tel = pair.tel
    vf = tel.query("/manafo/info,0")["vf"]["port"]

    def q0_idle():
        before = tel.query("/ethdev/stats,%d" % vf)["q_ipackets"][0]
        time.sleep(0.2)
        return tel.query("/ethdev/stats,%d" % vf)["q_ipackets"][0] == before

    with tempfile.TemporaryDirectory(prefix="manafo-dumpcap-") as tmp:
        path = os.path.join(tmp, "manafo0.pcapng")
        # -p: the port's promiscuous mode is the primary's business
        proc = subprocess.Popen([dumpcap, "-q", "-p", "--file-prefix", prefix,
                                 "-i", "net_manafo0", "-w", path],
                                env=dict(os.environ, LD_PRELOAD=" ".join(preload)),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        wait_for(lambda: proc.poll() is not None or
                 (os.path.exists(path) and os.path.getsize(path) > 16384), 20)
        # Stop the primary's lcore first: in DPDK 22.11 rte_pdump_disable()
        # does not wait for a callback in flight, and dumpcap frees its pool
        # right after it.
        pair.wp.write("stop\n")
        pair.wp.flush()
        idle = wait_for(q0_idle, 10)
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
        packets, dirs, queues = (pcapng_summary(path) if os.path.exists(path)
                                 else (0, collections.Counter(), collections.Counter()))
    pair.wp.write("start\n")
    pair.wp.flush()

    m = re.search(r"Packets received/dropped on interface '([^']*)': (\d+)/(\d+)", out)
    recv, drop = (int(m.group(2)), int(m.group(3))) if m else (0, 0)
    c.check(idle, "capture: the primary's queue 0 stopped before dumpcap ended")
    if not c.check(proc.returncode == 0 and m is not None and m.group(1) == "net_manafo0" and
                   recv > 0, "capture: dpdk-dumpcap attached to net_manafo0 and ended "
                   "cleanly; received/dropped %d/%d" % (recv, drop)):
        print(out.strip())
        if m is not None and recv == 0 and drop > 0:
            print("hint: every copy failed: dumpcap's mempool drivers are not registered "
                  "in testpmd's order (see LD_PRELOAD above)")
    c.check(packets > 0 and dirs[1] > 0 and dirs[2] > 0,
            "capture: the pcapng file holds %d packets (%d received, %d sent)"
            % (packets, dirs[1], dirs[2]))
    c.check(packets > 0 and set(queues) == {0},
            "capture: all on queue 0 (%s): the secondary's bursts on queue 1 are not "
            "captured" % dict(queues))
    c.check(pair.prim.poll() is None, "capture: the primary still runs after the capture")


def run_reset(c, prefix):
    """A VF service reset while a secondary process forwards on queue 1."""
    pair = Pair(prefix, "net_manasim_mp0")
    tel = pair.tel
    info = tel.query("/manafo/info,0")
    vf, synth = info["vf"]["port"], info["synth"]["port"]

    def q1_tx(port):
        return tel.query("/ethdev/stats,%d" % port)["q_opackets"][1]
    vf_q1, synth_q1 = q1_tx(vf), q1_tx(synth)
    c.check(vf_q1 > 0 and synth_q1 == 0,
            "reset: the secondary's queue 1 transmits on the VF (%d packets) before" % vf_q1)
    inj = tel.query("/manasim/inject,%d,reset,300" % vf)
    c.check(inj.get("accepted") == 1, "reset: injected in the primary (%s)" % inj)
    recovered = wait_for(lambda: tel.query("/manafo/info,0")["counters"]
                         .get("resets_absorbed", 0) >= 1 and
                         tel.query("/manafo/info,0")["tx_path"] == "vf", 10)
    synth_q1 = q1_tx(synth)
    c.check(recovered, "reset: absorbed, TX back on the VF")
    c.check(synth_q1 > 0, "reset: the secondary's queue 1 went to the synthetic path "
            "meanwhile (%d packets)" % synth_q1)
    before = q1_tx(vf)
    time.sleep(0.5)
    after = q1_tx(vf)
    c.check(after > before, "reset: the secondary transmits on the VF again (%d -> %d)"
            % (before, after))
    sec_ok, rx, prim_ok, px = pair.stop()
    c.check(sec_ok and rx > 0,
            "reset: the secondary forwarded through it (%d packets) and quit cleanly" % rx)
    c.check(prim_ok and px.get("tx_refused_packets", 1) == 0,
            "reset: the primary quit cleanly, 0 packets refused")


def main():
    if os.geteuid() != 0:
        print("skip: needs root to reserve hugepages for secondary processes")
        return 77
    state = reserve_hugepages()
    if state is None:
        print("skip: cannot reserve %d hugepages or mount hugetlbfs" % HUGEPAGES)
        return 77
    c = Checker()
    prefixes = [unique_prefix("mp"), unique_prefix("mpr")]
    try:
        run(c, prefixes[0])
        if SIM:
            run_reset(c, prefixes[1])
    finally:
        release_hugepages(state, prefixes)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
