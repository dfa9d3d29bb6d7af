#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""testpmd through a manafo port over net_null and net_manasim sub-devices.

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
SIM = sys.argv[2]


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


def ok_output(out):
    low = out.lower()
    return not any(w in low for w in ("fail", "invalid", "error", "bad ", "not supported"))


def stats(tp, port):
    return tp.telemetry("/ethdev/stats,%d" % port)


def test_runtime_commands(c):
    """Each runtime command reaches both sub-devices (net_manasim, full_ops=1:
    a NIC with promisc, allmulti and MAC ops; rx_source=1: RX on both paths),
    read back from each sub-device's own state."""
    tp = Testpmd("cmds", ["net_manafo0,vf(net_manasim_tpv0,full_ops=1,rx_source=1),"
                          "synth(net_manasim_tps0,full_ops=1,rx_source=1)"],
                 plugins=[PMD, SIM])
    try:
        vf, sy = subs(tp)
        both = ((vf, "vf"), (sy, "synth"))

        def each(what, pred, show):
            for p, role in both:
                i = info(tp, p)
                c.check(pred(i), "%s reached the %s (%s)" % (what, role, show(i)))

        out = tp.cmd("port stop all")
        c.check(ok_output(out), "'port stop all' succeeds")
        each("'port stop all'", lambda i: i["dev_started"] == 0,
             lambda i: "dev_started %d" % i["dev_started"])
        for line in ("port config all rxq 2", "port config all txq 2", "port start all"):
            out = tp.cmd(line)
            c.check(ok_output(out), "'%s' succeeds" % line)
        each("'port config all rxq/txq 2' + 'port start all'",
             lambda i: i["nb_rx_queues"] == 2 and i["nb_tx_queues"] == 2 and i["dev_started"] == 1,
             lambda i: "rxq %d, txq %d, started %d"
             % (i["nb_rx_queues"], i["nb_tx_queues"], i["dev_started"]))

        out = tp.cmd("port config mtu 0 1400")
        c.check(ok_output(out), "'port config mtu 0 1400' succeeds")
        each("'port config mtu 0 1400'", lambda i: i["mtu"] == 1400, lambda i: "mtu %d" % i["mtu"])
        c.equal(info(tp, 0)["mtu"], 1400, "the manafo port reports MTU 1400")

        mac = "02:11:22:33:44:55"
        out = tp.cmd("mac_addr set 0 " + mac)
        c.check(ok_output(out), "'mac_addr set 0 %s' succeeds" % mac)
        each("'mac_addr set'", lambda i: i["mac_addr"].upper() == mac.upper(),
             lambda i: i["mac_addr"])
        c.equal(info(tp, 0)["mac_addr"].upper(), mac.upper(), "the manafo port reports the MAC")

        # testpmd turned promiscuous mode on at start; off, then on again.
        for line, field, want in (("set promisc 0 off", "promiscuous", 0),
                                  ("set promisc 0 on", "promiscuous", 1),
                                  ("set allmulti 0 on", "all_multicast", 1),
                                  ("set allmulti 0 off", "all_multicast", 0)):
            out = tp.cmd(line)
            c.check(ok_output(out) and info(tp, 0)[field] == want,
                    "'%s' succeeds (port %s %d)" % (line, field, info(tp, 0)[field]))
            each("'%s'" % line, lambda i: i[field] == want,
                 lambda i: "%s %d" % (field, i[field]))

        # Traffic: RX on both paths, TX on the VF; then the xstats.
        tp.cmd("start")
        time.sleep(0.5)
        tp.cmd("stop")
        st = {p: stats(tp, p) for p, _ in both}
        x = xstats(tp)
        c.check("failovers" in x, "'show port xstats 0' lists manafo's own counters (%d)" % len(x))
        for p, role in both:
            own = tp.telemetry("/ethdev/xstats,%d" % p)
            mine = {k[len(role) + 1:]: v for k, v in x.items() if k.startswith(role + "_")}
            same = [k for k in own if mine.get(k) == own[k]]
            c.check(len(own) > 0 and len(same) == len(own) and
                    mine.get("rx_good_packets", 0) == st[p]["ipackets"] > 0,
                    "'show port xstats 0' has the %s's own xstats (%d of %d equal, "
                    "rx_good_packets %d)" % (role, len(same), len(own),
                                             mine.get("rx_good_packets", -1)))

        c.check(st[vf]["ipackets"] > 0 and st[vf]["opackets"] > 0 and st[sy]["ipackets"] > 0,
                "traffic before clear: vf ipackets %d opackets %d, synth ipackets %d"
                % (st[vf]["ipackets"], st[vf]["opackets"], st[sy]["ipackets"]))
        out = tp.cmd("clear port stats 0")
        c.check(ok_output(out), "'clear port stats 0' succeeds")
        keys = ("ipackets", "opackets", "ibytes", "obytes")
        for p, role in both:
            after = stats(tp, p)
            c.check(all(after[k] == 0 for k in keys),
                    "'clear port stats 0' zeroed the %s's own counters (ipackets %d -> %d, "
                    "opackets %d -> %d)" % (role, st[p]["ipackets"], after["ipackets"],
                                            st[p]["opackets"], after["opackets"]))
        out = tp.cmd("show port stats 0")
        c.check(re.search(r"RX-packets: 0\s", out) is not None and
                re.search(r"TX-packets: 0\s", out) is not None,
                "the port's RX and TX counts are 0 after clear")

        tp.cmd("port stop 0")
        each("'port stop 0'", lambda i: i["dev_started"] == 0,
             lambda i: "dev_started %d" % i["dev_started"])
        out = tp.cmd("port close 0")
        c.check(ok_output(out), "'port close 0' succeeds")
        ports = tp.telemetry("/ethdev/list")
        for p, role in both:
            c.check(p not in ports, "'port close 0' closed and removed the %s (port %d; "
                    "ports left: %s)" % (role, p, ports))
        c.check(0 not in ports, "'port close 0' removed the manafo port")
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
