#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""testpmd through a manafo port over net_null/net_ring sub-devices.

Checks forwarding (TX on the VF while it is active, RX from both paths)
and that each runtime command reaches the sub-devices, read back from the
sub-devices' own state through telemetry (/ethdev/info, /ethdev/stats).
"""

import os
import re
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dpdk_session import Checker, Testpmd  # noqa: E402

PMD = sys.argv[1]


def xstats(tp, port=0):
    out = tp.cmd("show port xstats %d" % port)
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+): (\d+)$", out, re.M)}


def subs(tp):
    info = tp.telemetry("/manafo/info,0")
    return info["vf"]["port"], info["synth"]["port"]


def test_forwarding(c):
    tp = Testpmd("fwd", ["net_manafo0,vf(net_null0),synth(net_null1)"], plugins=[PMD])
    try:
        vf, sy = subs(tp)
        tp.cmd("start")
        time.sleep(0.5)
        tp.cmd("stop")
        x = xstats(tp)
        c.check(x["tx_vf_packets"] > 0, "forwarding: TX on the VF (%d)" % x["tx_vf_packets"])
        c.equal(x["tx_synth_packets"], 0, "forwarding: no TX on the synthetic path")
        c.check(x["rx_vf_packets"] > 0 and x["rx_synth_packets"] > 0,
                "forwarding: RX from both paths (vf %d, synth %d)"
                % (x["rx_vf_packets"], x["rx_synth_packets"]))
        vs, ss = tp.telemetry("/ethdev/stats,%d" % vf), tp.telemetry("/ethdev/stats,%d" % sy)
        c.check(vs["opackets"] > 0 and ss["opackets"] == 0,
                "forwarding: the sub-devices' own counters agree (vf opackets %d, synth %d)"
                % (vs["opackets"], ss["opackets"]))
        c.equal(x["tx_good_packets"], vs["opackets"] + ss["opackets"],
                "forwarding: port TX = sum of the sub-devices' TX")
        tel = tp.telemetry("/manafo/info,0")["counters"]
        same = [k for k in tel if k in x and k not in ("time_on_synth_ms",) and tel[k] == x[k]]
        c.check(len(same) == len(tel) - 1,
                "telemetry /manafo/info counters equal the xstats (%d of %d compared)"
                % (len(same), len(tel) - 1))
        c.check(tel["tx_vf_packets"] == x["tx_vf_packets"] > 0,
                "telemetry tx_vf_packets = xstats tx_vf_packets (%d)" % tel["tx_vf_packets"])
    finally:
        c.equal(tp.close(), 0, "forwarding: testpmd exits cleanly")


def info(tp, port):
    return tp.telemetry("/ethdev/info,%d" % port)


def test_config_sources(c):
    """/manafo/info says how each path is found, and where vf(auto) looks."""
    root = tempfile.mkdtemp(prefix="manafo-sysfs-")
    os.makedirs(os.path.join(root, "bus", "pci", "devices"))
    tp = Testpmd("auto", ["net_manafo0,vf(auto),synth(net_null1),sysfs=%s,hotplug_poll_ms=100"
                          % root], plugins=[PMD])
    try:
        conf = tp.telemetry("/manafo/info,0")["config"]
        c.equal((conf.get("vf_source"), conf.get("synth_source"), conf.get("sysfs")),
                ("auto", "devargs", root), "config: vf(auto), synth by devargs, sysfs root")
    finally:
        c.equal(tp.close(), 0, "config sources: testpmd exits cleanly")
        shutil.rmtree(root, ignore_errors=True)


def test_runtime_commands(c):
    tp = Testpmd("cmds", ["net_manafo0,vf(net_null0),synth(net_ring0)"], plugins=[PMD])
    try:
        vf, sy = subs(tp)
        for line in ("port stop all", "port config all rxq 2", "port config all txq 2",
                     "port start all"):
            out = tp.cmd(line)
            c.check("fail" not in out.lower() and "invalid" not in out.lower(),
                    "'%s' succeeds" % line)
        for p, role in ((vf, "vf"), (sy, "synth")):
            i = info(tp, p)
            c.check(i["nb_rx_queues"] == 2 and i["nb_tx_queues"] == 2 and i["dev_started"] == 1,
                    "%s has 2 rxq, 2 txq and is started" % role)

        out = tp.cmd("port config mtu 0 1400")
        c.check("fail" not in out.lower(), "'port config mtu 0 1400' succeeds")
        c.equal(info(tp, vf)["mtu"], 1400, "MTU reached the VF (net_null)")
        c.equal(info(tp, 0)["mtu"], 1400, "the manafo port reports MTU 1400")

        tp.cmd("mac_addr set 0 02:11:22:33:44:55")
        c.equal(info(tp, vf)["mac_addr"].upper(), "02:11:22:33:44:55",
                "'mac_addr set' reached the VF")

        tp.cmd("set promisc 0 off")
        c.equal(info(tp, sy)["promiscuous"], 0, "'set promisc 0 off' reached the synthetic path")
        tp.cmd("set promisc 0 on")
        c.equal(info(tp, sy)["promiscuous"], 1, "'set promisc 0 on' reached the synthetic path")
        tp.cmd("set allmulti 0 on")
        c.equal(info(tp, sy)["all_multicast"], 1, "'set allmulti 0 on' reached the synthetic path")

        x = xstats(tp)
        c.check("failovers" in x and any(k.startswith("vf_") for k in x) and
                any(k.startswith("synth_") for k in x),
                "'show port xstats 0' lists manafo, vf_ and synth_ counters (%d)" % len(x))

        tp.cmd("start")
        time.sleep(0.3)
        tp.cmd("stop")
        before = tp.telemetry("/ethdev/stats,%d" % vf)["opackets"]
        tp.cmd("clear port stats 0")
        after = tp.telemetry("/ethdev/stats,%d" % vf)["opackets"]
        c.check(before > 0 and after == 0,
                "'clear port stats 0' reset the VF's own counters (%d -> %d)" % (before, after))
        out = tp.cmd("show port stats 0")
        c.check(re.search(r"TX-packets: 0\s", out) is not None, "the port's TX count is 0 after clear")

        tp.cmd("port stop 0")
        out = tp.cmd("port close 0")
        ports = tp.telemetry("/ethdev/list")
        c.check(vf not in ports and sy not in ports and 0 not in ports,
                "'port close 0' closed and removed both sub-devices (ports left: %s)" % ports)
    finally:
        c.equal(tp.close(), 0, "commands: testpmd exits cleanly")


def main():
    c = Checker()
    test_forwarding(c)
    test_runtime_commands(c)
    test_config_sources(c)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
