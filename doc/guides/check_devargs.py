#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The manafo authors
"""The devargs table of doc/guides/nics/manafo.rst against the code.

Keys: manafo_keys[] in drivers/net/manafo/manafo_args.c, in both
directions; also manafo_args_keys[] and the RTE_PMD_REGISTER_PARAM_STRING
of manafo.c. Defaults: what args_defaults() assigns (MANAFO_DEF_* values of
manafo_args.h, the guard mode), 'none' for keys it does not set. Ranges of
the numeric keys: the min and max of their U32_KEY() entries.

Usage: check_devargs.py [--root <source tree>]
"""

import argparse
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from doc_common import (Report, c_block, c_defines, first_literal,  # noqa: E402
                        read, rst_list_table, source_root, strip_c_comments)

ARGS_C = 'drivers/net/manafo/manafo_args.c'
ARGS_H = 'drivers/net/manafo/manafo_args.h'
MANAFO_C = 'drivers/net/manafo/manafo.c'
DOC = 'doc/guides/nics/manafo.rst'
TABLE_LABEL = 'manafo_devargs_table'


def code_keys(args_c, defines):
    """manafo_keys[]: name -> {kind, field, min, max}, in table order."""
    body = c_block(args_c, r'\bmanafo_keys\s*\[\s*\]\s*=')
    if body is None:
        return None
    keys = {}
    for m in re.finditer(r'\{\s*"(\w+)"\s*,\s*(KEY_\w+)|'
                         r'U32_KEY\(\s*"(\w+)"\s*,\s*(\w+)\s*,\s*(\w+)\s*,\s*(\w+)\s*\)', body):
        if m.group(1):
            keys[m.group(1)] = {'kind': m.group(2)}
        else:
            lo, hi = (int(v) if v.isdigit() else defines.get(v) for v in m.group(5, 6))
            keys[m.group(3)] = {'kind': 'KEY_U32', 'field': m.group(4), 'min': lo, 'max': hi}
    return keys


def code_key_list(args_c):
    """manafo_args_keys[] (the list for error messages and tools)."""
    body = c_block(args_c, r'\bmanafo_args_keys\s*\[\s*\]\s*=')
    return None if body is None else re.findall(r'"(\w+)"', body)


def param_string_keys(manafo_c):
    m = re.search(r'RTE_PMD_REGISTER_PARAM_STRING\s*\(\s*\w+\s*,(.*?)\)\s*;', manafo_c, re.S)
    if m is None:
        return None
    text = ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
    return [re.match(r'\w+', item).group(0) for item in text.split() if re.match(r'\w+', item)]


def code_defaults(args_c, defines):
    """What args_defaults() sets: field -> default as the docs write it."""
    body = c_block(args_c, r'\bargs_defaults\s*\([^)]*\)\s*\{') or ''
    guard_names = {}
    for m in re.finditer(r'strncmp\(\s*v\s*,\s*"(\w+)"\s*,\s*\d+\s*\)\s*==\s*0\s*\)\s*'
                         r'args->guard\s*=\s*(MANAFO_GUARD_\w+)\s*;', args_c):
        guard_names[m.group(2)] = m.group(1)
    out = {}
    for m in re.finditer(r'args->(\w+)\s*=\s*(\w+)\s*;', body):
        field, value = m.groups()
        if value in defines:
            out[field] = str(defines[value])
        elif value.isdigit():
            out[field] = value
        elif value in guard_names:
            out[field] = guard_names[value]
        else:
            out[field] = None	# unknown: reported
    return out, sorted(set(guard_names.values()))


def doc_rows(rst):
    """Rows of the devargs table: key -> (values cell, default cell)."""
    rows = rst_list_table(rst, TABLE_LABEL)
    if not rows or len(rows) < 2:
        return None
    out = {}
    for row in rows[1:]:
        lit = first_literal(row[0]) or ''
        m = re.match(r'\w+', lit)
        if m is None or len(row) < 3:
            out.setdefault('<malformed row: %s>' % row[0], ('', ''))
            continue
        out[m.group(0)] = (row[1], row[2])
    return out


def norm_default(cell):
    return cell.replace('`', '').strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--root', help='source tree (default: two levels above this script)')
    opts = ap.parse_args()
    root = source_root(opts.root)
    rep = Report()

    args_c = strip_c_comments(read(os.path.join(root, ARGS_C)))
    defines = c_defines(read(os.path.join(root, ARGS_H)))
    manafo_c = strip_c_comments(read(os.path.join(root, MANAFO_C)))
    rst = read(os.path.join(root, DOC))

    keys = code_keys(args_c, defines)
    if not rep.check(bool(keys), 'manafo_keys[] found in %s (%d keys)' % (ARGS_C, len(keys or {}))):
        return rep.done()
    doc = doc_rows(rst)
    if not rep.check(bool(doc), 'devargs table (label %s) found in %s (%d rows)'
                     % (TABLE_LABEL, DOC, len(doc or {}))):
        return rep.done()

    print('# keys: code %s' % ', '.join(keys))
    print('# keys: docs %s' % ', '.join(doc))
    for k in keys:
        rep.check(k in doc, 'key %s (manafo_keys[]) is in the devargs table' % k)
    for k in doc:
        if k not in keys:
            rep.check(False, 'key %s of the devargs table is not in manafo_keys[]' % k)

    listed = code_key_list(args_c)
    rep.check(listed == list(keys), 'manafo_args_keys[] lists the keys of manafo_keys[] in order'
              + ('' if listed == list(keys) else ' (it has: %s)' % ', '.join(listed or [])))
    params = param_string_keys(manafo_c)
    rep.check(params == list(keys), 'RTE_PMD_REGISTER_PARAM_STRING in %s names the same keys'
              % MANAFO_C + ('' if params == list(keys) else ' (it has: %s)' % ', '.join(params or [])))

    defaults, guard_values = code_defaults(args_c, defines)
    print('# defaults in args_defaults(): %s'
          % ', '.join('%s=%s' % kv for kv in sorted(defaults.items())))
    for k, spec in keys.items():
        if k not in doc:
            continue
        values, default = doc[k]
        field = spec.get('field', 'guard' if spec['kind'] == 'KEY_GUARD' else None)
        want = defaults.get(field) if field else None
        if field in defaults and want is None:
            rep.check(False, 'key %s: default of field %s not understood in args_defaults()'
                      % (k, field))
            continue
        want = want if want is not None else 'none'
        got = norm_default(default)
        rep.check(got == want, 'key %s: documented default "%s", code %s'
                  % (k, got, want if field in defaults else 'sets none'))
        if spec['kind'] == 'KEY_U32':
            m = re.search(r'(\d+)\s*\.\.\s*(\d+)', values)
            rng = (int(m.group(1)), int(m.group(2))) if m else None
            rep.check(rng == (spec['min'], spec['max']),
                      'key %s: documented range %s, code %s..%s'
                      % (k, '%d..%d' % rng if rng else '(none)', spec['min'], spec['max']))
        if spec['kind'] == 'KEY_GUARD':
            doc_values = set(re.findall(r'``(\w+)``', values))
            rep.check(doc_values == set(guard_values),
                      'key %s: documented values %s, code %s'
                      % (k, ', '.join(sorted(doc_values)), ', '.join(guard_values)))
    return rep.done()


if __name__ == '__main__':
    sys.exit(main())
