#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The manafo authors
"""One short drill with --synth tap: manafo over a net_manasim VF and a
net_tap synthetic path, the host on the tap's kernel interface.

Checks that the drill passes, that the tap carried traffic both ways (a run
where it carried none would prove nothing), that the packet accounting adds
up, and that the tap interface is gone afterwards. Skipped (exit status 77)
when not root or without /dev/net/tun.

Usage: test_drill_tap.py <dpdk-test-failover> <scenario file> [EAL options...]
"""

import json
import os
import subprocess
import sys
import tempfile

SKIP = 77


def skip_reason():
    if os.geteuid() != 0:
        return 'not root: --synth tap creates a tap interface (CAP_NET_ADMIN)'
    if not os.access('/dev/net/tun', os.R_OK | os.W_OK):
        return '/dev/net/tun is missing or not usable'
    return None


class Checks:
    def __init__(self):
        self.failed = 0

    def check(self, ok, what):
        print('%s: %s' % ('ok' if ok else 'FAIL', what))
        self.failed += 0 if ok else 1


def run_drill(runner, scenario, eal, json_path):
    cmd = [runner] + eal + ['--', '--scenario', scenario, '--synth', 'tap',
                            '--no-progress', '--json', json_path]
    print('# ' + ' '.join(cmd))
    sys.stdout.flush()
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         universal_newlines=True, timeout=90)
    print(res.stdout)
    return res.returncode


def check_run(c, doc):
    c.check(doc.get('synth') == 'tap', 'the JSON says synth "tap" (%r)' % doc.get('synth'))
    runs = doc.get('runs', [])
    c.check(len(runs) == 1 and runs[0].get('peer') == 'manafo',
            'one run, of manafo (%d runs)' % len(runs))
    if not runs:
        return None
    r = runs[0]
    tap = r.get('tap', {})
    c.check(r.get('pass') is True, 'the run passes (broken: %r)' % r.get('invariants_broken'))
    c.check('synth_port=net_tap_d' in r.get('devargs', ''),
            'the port took the net_tap as its synthetic path (%s)' % r.get('devargs'))
    c.check(tap.get('in_taken', 0) > 0 and r.get('sent_synth', 0) == tap.get('in_taken'),
            'inbound went through the tap while the VF was away: %d frames, %d sent on synth'
            % (tap.get('in_taken', 0), r.get('sent_synth', 0)))
    c.check(r.get('back_synth', 0) > 0 and tap.get('out_read', 0) >= r['back_synth'],
            'outbound came back through the tap: %d packets, %d frames read'
            % (r.get('back_synth', 0), tap.get('out_read', 0)))
    back = r.get('back_vf', 0) + r.get('back_synth', 0)
    c.check(back + r.get('lost', -1) == r.get('generated', 0),
            'every packet came back or is counted lost: %d + %d = %d generated'
            % (back, r.get('lost', -1), r.get('generated', 0)))
    c.check(r.get('lost_beyond_hw', 1) <= 0 and r.get('duplicates', 1) == 0
            and r.get('stray', 1) == 0 and r.get('app_refused', 1) == 0,
            'nothing lost beyond the VF, duplicated, stray or refused')
    c.check(tap.get('in_refused', 1) == 0 and tap.get('in_dropped', 1) == 0
            and tap.get('out_socket_dropped', 1) == 0,
            'the tap interface dropped nothing')
    return tap.get('iface')


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    reason = skip_reason()
    if reason is not None:
        print('SKIP: ' + reason)
        return SKIP
    runner, scenario, eal = sys.argv[1], sys.argv[2], sys.argv[3:]
    c = Checks()
    with tempfile.TemporaryDirectory() as tmp:
        json_path = os.path.join(tmp, 'drill.json')
        rc = run_drill(runner, scenario, eal, json_path)
        c.check(rc == 0, 'exit status 0 (%d)' % rc)
        if not os.path.exists(json_path):
            c.check(False, 'the JSON file was written')
            return 1
        with open(json_path) as f:
            iface = check_run(c, json.load(f))
    c.check(bool(iface) and not os.path.exists('/sys/class/net/%s' % iface),
            'the tap interface %s is gone after the run' % iface)
    print('%s: %d check(s) failed' % ('FAIL' if c.failed else 'PASS', c.failed))
    return 1 if c.failed else 0


if __name__ == '__main__':
    sys.exit(main())
