#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The manafo authors
"""Names the guides document against the code.

- manafo's own extended statistics: own_names[] of manafo_stats.c against
  the xstats table of nics/manafo.rst (same names, same order);
- telemetry commands: those registered in manafo_telemetry.c against every
  /manafo/... command the guides mention, and the fields of the drill
  reply against nics/manafo.rst and howto/drills.rst;
- public API: the functions of rte_pmd_manafo.h against every
  rte_pmd_manafo_*() the guides mention;
- nics/features/manafo.ini parses, and every value is Y or P.

Usage: check_names.py [--root <source tree>]
"""

import argparse
import configparser
import glob
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from doc_common import (Report, c_block, first_literal, read,  # noqa: E402
                        rst_list_table, source_root, strip_c_comments)

STATS_C = 'drivers/net/manafo/manafo_stats.c'
TEL_C = 'drivers/net/manafo/manafo_telemetry.c'
API_H = 'drivers/net/manafo/rte_pmd_manafo.h'
GUIDES = 'doc/guides'
NIC_DOC = 'doc/guides/nics/manafo.rst'
DRILL_DOC = 'doc/guides/howto/drills.rst'
FEATURES = 'doc/guides/nics/features/manafo.ini'


def own_xstats(stats_c):
    body = c_block(stats_c, r'\bown_names\s*\[[^\]]*\]\s*=')
    return None if body is None else re.findall(r'"(\w+)"', body)


def doc_xstats(rst):
    rows = rst_list_table(rst, 'manafo_xstats')
    if not rows:
        return None
    return [first_literal(r[0]) or r[0] for r in rows[1:]]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--root', help='source tree (default: two levels above this script)')
    opts = ap.parse_args()
    root = source_root(opts.root)
    rep = Report()

    nic = read(os.path.join(root, NIC_DOC))
    drills = read(os.path.join(root, DRILL_DOC))
    guides = {os.path.relpath(p, root): read(p)
              for p in sorted(glob.glob(os.path.join(root, GUIDES, '**', '*.rst'), recursive=True))}

    # extended statistics
    code = own_xstats(strip_c_comments(read(os.path.join(root, STATS_C))))
    doc = doc_xstats(nic)
    if rep.check(bool(code) and bool(doc), 'own_names[] in %s (%d) and the xstats table in %s (%d)'
                 % (STATS_C, len(code or []), NIC_DOC, len(doc or []))):
        for name in code:
            rep.check(name in doc, 'xstat %s is documented' % name)
        for name in doc:
            if name not in code:
                rep.check(False, 'documented xstat %s is not in own_names[]' % name)
        rep.check(code == doc, 'the xstats table has the order of own_names[]')

    # telemetry commands
    tel = strip_c_comments(read(os.path.join(root, TEL_C)))
    cmds = re.findall(r'rte_telemetry_register_cmd\(\s*"(/manafo/\w+)"', tel)
    rep.check(bool(cmds), 'telemetry commands registered in %s: %s' % (TEL_C, ', '.join(cmds)))
    for cmd in cmds:
        rep.check('``%s' % cmd in nic, 'telemetry command %s is documented in %s' % (cmd, NIC_DOC))
    for path, text in guides.items():
        for cmd in sorted(set(re.findall(r'(?<![\w/.-])/manafo/\w+', text))):
            if cmd not in cmds:
                rep.check(False, '%s mentions %s, which is not a telemetry command' % (path, cmd))
    drill = c_block(tel, r'\btel_drill\s*\([^)]*\)\s*\{') or ''
    fields = re.findall(r'(?:rte_tel_data_add_dict_int|manafo_tel_dict_u64)\(\s*d\s*,\s*"(\w+)"',
                        drill)
    rep.check(bool(fields), '/manafo/drill reply fields: %s' % ', '.join(fields))
    for f in fields:
        rep.check('``%s``' % f in nic and '``%s``' % f in drills,
                  '/manafo/drill field %s is documented in %s and %s' % (f, NIC_DOC, DRILL_DOC))

    # public API
    api = re.findall(r'^\w[\w\s\*]*\b(rte_pmd_manafo_\w+)\s*\(',
                     strip_c_comments(read(os.path.join(root, API_H))), re.M)
    rep.check(bool(api), 'functions of %s: %s' % (API_H, ', '.join(api)))
    for fn in api:
        rep.check('``int %s(' % fn in nic, 'API function %s is documented in %s' % (fn, NIC_DOC))
    for path, text in guides.items():
        for fn in sorted(set(re.findall(r'\b(rte_pmd_manafo_\w+)\(', text))):
            if fn not in api:
                rep.check(False, '%s mentions %s(), which %s does not declare' % (path, fn, API_H))

    # features
    ini = configparser.ConfigParser(delimiters=('=',), comment_prefixes=(';',))
    ini.optionxform = str
    try:
        ini.read_string(read(os.path.join(root, FEATURES)))
        feats = dict(ini['Features']) if ini.has_section('Features') else {}
        rep.check(bool(feats), '%s parses: %d features' % (FEATURES, len(feats)))
        bad = {k: v for k, v in feats.items() if v not in ('Y', 'P')}
        rep.check(not bad, '%s: every value is Y or P%s'
                  % (FEATURES, '' if not bad else ' (not: %s)' % bad))
    except (configparser.Error, OSError) as e:
        rep.check(False, '%s parses: %s' % (FEATURES, e))
    return rep.done()


if __name__ == '__main__':
    sys.exit(main())
